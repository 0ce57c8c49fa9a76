using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Layers;

/// <summary>The contracts of <see cref="ILayer"/>, for every layer.</summary>
public class LayerContractTests
{
    public static TheoryData<string> LayerKinds =>
        ["convolution", "rectangular convolution", "max pooling", "average pooling", "padded max pooling", "padded average pooling", "affine", "relu"];

    [Theory]
    [MemberData(nameof(LayerKinds))]
    public void Forward_and_Backward_do_not_mutate_their_arguments(string kind)
    {
        (ILayer layer, FloatTensor input) = Create(kind, batchSize: 2);
        float[] inputBefore = input.ToArray();
        layer.Forward(input, training: false);
        FloatTensor output = layer.Forward(input, training: true);
        FloatTensor outputGradient = TestTensors.Uniform(new Random(1), output.Shape.ToArray());
        float[] gradientBefore = outputGradient.ToArray();

        layer.Backward(outputGradient);

        input.ToArray().Should().Equal(inputBefore);
        outputGradient.ToArray().Should().Equal(gradientBefore);
    }

    [Theory]
    [MemberData(nameof(LayerKinds))]
    public void Backward_returns_a_gradient_shaped_like_the_input_and_overwrites_parameter_gradients(string kind)
    {
        (ILayer layer, FloatTensor input) = Create(kind, batchSize: 2);
        FloatTensor output = layer.Forward(input, training: true);
        FloatTensor outputGradient = TestTensors.Uniform(new Random(2), output.Shape.ToArray());

        FloatTensor inputGradient = layer.Backward(outputGradient);
        float[] inputGradientOnce = inputGradient.ToArray();
        float[][] once = layer.Parameters.Select(parameter => parameter.Gradient.ToArray()).ToArray();
        float[] inputGradientTwice = layer.Backward(outputGradient).ToArray();

        inputGradient.Shape.Should().Be(input.Shape);
        inputGradientTwice.Should().Equal(inputGradientOnce);
        for (int p = 0; p < layer.Parameters.Count; p++)
        {
            once[p].Should().Contain(value => value != 0f);
            layer.Parameters[p].Gradient.ToArray().Should().Equal(once[p], "Backward overwrites, it does not accumulate");
        }
    }

    [Theory]
    [MemberData(nameof(LayerKinds))]
    public void The_caller_may_change_its_input_between_Forward_and_Backward(string kind)
    {
        // A layer keeps what Backward needs (a copy of the input, where it needs the input): the tensor the caller passed
        // is free again once Forward returns. Only a network's own training step, which runs Backward in the same call,
        // lets a layer keep a reference instead.
        (ILayer layer, FloatTensor input) = Create(kind, batchSize: 2);
        FloatTensor outputGradient = TestTensors.Uniform(new Random(3), layer.Forward(input, training: true).Shape.ToArray());
        float[][] expected = Gradients(layer, outputGradient);

        layer.Forward(input, training: true);
        TestTensors.Uniform(new Random(4), input.Shape.ToArray()).ReadOnlySpan.CopyTo(input.Span);
        Gradients(layer, outputGradient).Should().BeEquivalentTo(expected, options => options.WithStrictOrdering());
    }

    [Fact]
    public void An_affine_layer_keeping_a_reference_to_its_input_gives_the_same_outputs_and_gradients()
    {
        (ILayer created, FloatTensor input) = Create("affine", batchSize: 3);
        var layer = (Affine)created;
        float[] output = layer.Forward(input, training: true).ToArray();
        FloatTensor outputGradient = TestTensors.Uniform(new Random(5), layer.GetOutputShape(input.Shape).ToArray());
        float[][] expected = Gradients(layer, outputGradient);

        layer.ForwardKeepingInput(input).ToArray().Should().Equal(output);
        Gradients(layer, outputGradient).Should().BeEquivalentTo(expected, options => options.WithStrictOrdering());

        // Switching back to the copying Forward must not write into the tensor that was only referenced.
        float[] inputBefore = input.ToArray();
        layer.Forward(TestTensors.Uniform(new Random(6), input.Shape.ToArray()), training: true);
        input.ToArray().Should().Equal(inputBefore);
    }

    [Theory]
    [MemberData(nameof(LayerKinds))]
    public void Backward_before_a_training_Forward_throws(string kind)
    {
        (ILayer layer, FloatTensor input) = Create(kind, batchSize: 2);
        FloatTensor output = layer.Forward(input, training: false);

        FluentActions.Invoking(() => layer.Backward(new FloatTensor(output.Shape)))
            .Should().Throw<InvalidOperationException>().WithMessage($"*'{layer.Name}'*training-mode Forward*");
    }

    [Theory]
    [MemberData(nameof(LayerKinds))]
    public void Backward_with_a_wrong_shape_names_both_shapes(string kind)
    {
        (ILayer layer, FloatTensor input) = Create(kind, batchSize: 2);
        TensorShape outputShape = layer.Forward(input, training: true).Shape;
        TensorShape wrong = outputShape.WithBatchSize(3);

        FluentActions.Invoking(() => layer.Backward(new FloatTensor(wrong)))
            .Should().Throw<ArgumentException>().WithMessage($"*{wrong}*{outputShape}*")
            .Which.ParamName.Should().Be("outputGradient");
    }

    [Theory]
    [InlineData("convolution")]
    [InlineData("max pooling")]
    [InlineData("affine")]
    public void Forward_with_a_wrong_input_shape_names_the_argument_and_both_shapes(string kind)
    {
        (ILayer layer, _) = Create(kind, batchSize: 2);
        var wrong = new FloatTensor(2, 5, 1, 1);

        FluentActions.Invoking(() => layer.Forward(wrong, training: false))
            .Should().Throw<ArgumentException>().WithMessage($"*{layer.Name}*expects*{wrong.Shape}*")
            .Which.ParamName.Should().Be("input");
    }

    [Theory]
    [MemberData(nameof(LayerKinds))]
    public void Training_buffers_are_reused_for_the_same_batch_size_and_inference_allocates_its_own(string kind)
    {
        (ILayer layer, FloatTensor input) = Create(kind, batchSize: 2);
        FloatTensor first = layer.Forward(input, training: true);
        FloatTensor gradient = TestTensors.Uniform(new Random(3), first.Shape.ToArray());
        FloatTensor firstGradient = layer.Backward(gradient);
        float[] expectedGradient = firstGradient.ToArray();

        FloatTensor inference = layer.Forward(input, training: false);
        layer.Forward(Create(kind, batchSize: 3).Input, training: false);

        inference.Should().NotBeSameAs(first).And.NotBeSameAs(layer.Forward(input, training: false));
        layer.Forward(input, training: true).Should().BeSameAs(first);
        layer.Backward(gradient).Should().BeSameAs(firstGradient);
        firstGradient.ToArray().Should().Equal(expectedGradient, "inference calls in between must not disturb the training state");
    }

    /// <summary>Backward's input gradient, then every parameter's gradient.</summary>
    private static float[][] Gradients(ILayer layer, FloatTensor outputGradient) =>
        [layer.Backward(outputGradient).ToArray(), .. layer.Parameters.Select(parameter => parameter.Gradient.ToArray())];

    private static (ILayer Layer, FloatTensor Input) Create(string kind, int batchSize)
    {
        var random = new Random(kind.Length);
        switch (kind)
        {
            case "convolution":
                var convolution = new Convolution("conv", 2, 3, 3, stride: 1, padding: 1);
                WeightInitialization.Normal(convolution.Weight.Value, 0.5f, random);
                return (convolution, TestTensors.Uniform(random, batchSize, 2, 5, 4));
            case "rectangular convolution":
                var rectangular = new Convolution("conv", 2, 3, (3, 2), stride: 2, padding: 1);
                WeightInitialization.Normal(rectangular.Weight.Value, 0.5f, random);
                return (rectangular, TestTensors.Uniform(random, batchSize, 2, 5, 4));
            case "padded max pooling":
                return (new Pooling("pool", (2, 3), 2, PoolingMode.Max, padding: 1), TestTensors.Uniform(random, batchSize, 2, 4, 6));
            case "padded average pooling":
                return (new Pooling("pool", (3, 2), 1, PoolingMode.Average, padding: 1), TestTensors.Uniform(random, batchSize, 2, 4, 6));
            case "max pooling":
                return (new Pooling("pool", 2, 2), TestTensors.Uniform(random, batchSize, 2, 4, 6));
            case "average pooling":
                return (new Pooling("pool", 2, 2, PoolingMode.Average), TestTensors.Uniform(random, batchSize, 2, 4, 6));
            case "affine":
                var affine = new Affine("affine", 2 * 3 * 2, 4);
                WeightInitialization.Normal(affine.Weight.Value, 0.5f, random);
                return (affine, TestTensors.Uniform(random, batchSize, 2, 3, 2));
            default:
                return (new Relu("relu"), TestTensors.Uniform(random, batchSize, 2, 3, 3));
        }
    }
}
