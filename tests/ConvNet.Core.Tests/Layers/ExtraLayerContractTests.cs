using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Layers;

/// <summary>The <see cref="ILayer"/> contracts, checked on every layer beyond the seed (Dropout, BatchNormalization, activations, Flatten).</summary>
public class ExtraLayerContractTests
{
    public static TheoryData<string> LayerKinds => ["dropout", "batchnorm2d", "batchnorm4d", "leakyrelu", "sigmoid", "tanh", "flatten"];

    /// <summary>The layers that compute into buffers of their own (Flatten returns views of its arguments instead).</summary>
    public static TheoryData<string> BufferedLayerKinds => ["dropout", "batchnorm2d", "batchnorm4d", "leakyrelu", "sigmoid", "tanh"];

    private static (ILayer Layer, TensorShape InputShape) Create(string kind) => kind switch
    {
        "dropout" => (new Dropout("drop", 0.5f, seed: 3), new TensorShape(3, 2, 4, 5)),
        "batchnorm2d" => (new BatchNormalization("bn", 6), new TensorShape(4, 6)),
        "batchnorm4d" => (new BatchNormalization("bn", 2), new TensorShape(3, 2, 4, 5)),
        "leakyrelu" => (new LeakyRelu("leaky", 0.1f), new TensorShape(3, 2, 4, 5)),
        "sigmoid" => (new Sigmoid("sigmoid"), new TensorShape(3, 7)),
        "tanh" => (new Tanh("tanh"), new TensorShape(3, 2, 4, 5)),
        "flatten" => (new Flatten("flatten"), new TensorShape(3, 2, 4, 5)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(LayerKinds))]
    public void Forward_and_backward_do_not_mutate_their_arguments(string kind)
    {
        var (layer, shape) = Create(kind);
        FloatTensor input = TestTensors.Uniform(new Random(1), shape.ToArray());
        float[] inputBefore = input.ToArray();
        FloatTensor output = layer.Forward(input, training: true);
        FloatTensor gradient = TestTensors.Uniform(new Random(2), output.Shape.ToArray());
        float[] gradientBefore = gradient.ToArray();

        FloatTensor inputGradient = layer.Backward(gradient);

        input.ToArray().Should().Equal(inputBefore);
        gradient.ToArray().Should().Equal(gradientBefore);
        output.Shape.Should().Be(layer.GetOutputShape(shape));
        inputGradient.Shape.Should().Be(shape);
    }

    [Theory]
    [MemberData(nameof(LayerKinds))]
    public void Backward_before_forward_throws_naming_the_gradient_shape(string kind)
    {
        var (layer, shape) = Create(kind);
        var gradient = new FloatTensor(layer.GetOutputShape(shape));

        FluentActions.Invoking(() => layer.Backward(gradient)).Should().Throw<InvalidOperationException>()
            .WithMessage($"*{gradient.Shape}*");
    }

    [Theory]
    [MemberData(nameof(LayerKinds))]
    public void Backward_after_inference_only_still_throws(string kind)
    {
        var (layer, shape) = Create(kind);
        layer.Forward(TestTensors.Uniform(new Random(1), shape.ToArray()), training: false);

        FluentActions.Invoking(() => layer.Backward(new FloatTensor(layer.GetOutputShape(shape)))).Should().Throw<InvalidOperationException>();
    }

    [Theory]
    [MemberData(nameof(LayerKinds))]
    public void Backward_with_a_wrong_shape_names_both_shapes(string kind)
    {
        var (layer, shape) = Create(kind);
        FloatTensor output = layer.Forward(TestTensors.Uniform(new Random(1), shape.ToArray()), training: true);
        var wrong = new FloatTensor(output.Shape.WithBatchSize(output.Shape.BatchSize + 1));

        FluentActions.Invoking(() => layer.Backward(wrong)).Should().Throw<ArgumentException>()
            .WithMessage($"*{wrong.Shape}*{output.Shape}*");
    }

    [Theory]
    [MemberData(nameof(BufferedLayerKinds))]
    public void Training_calls_of_one_batch_size_reuse_their_buffers(string kind)
    {
        var (layer, shape) = Create(kind);
        FloatTensor first = layer.Forward(TestTensors.Uniform(new Random(1), shape.ToArray()), training: true);
        FloatTensor firstGradient = layer.Backward(TestTensors.Uniform(new Random(2), first.Shape.ToArray()));
        FloatTensor second = layer.Forward(TestTensors.Uniform(new Random(3), shape.ToArray()), training: true);
        FloatTensor secondGradient = layer.Backward(TestTensors.Uniform(new Random(4), first.Shape.ToArray()));

        second.Should().BeSameAs(first);
        secondGradient.Should().BeSameAs(firstGradient);
    }

    [Theory]
    [MemberData(nameof(LayerKinds))]
    public void Inference_leaves_the_training_cache_alone(string kind)
    {
        var (reference, shape) = Create(kind);
        var (probed, _) = Create(kind);
        FloatTensor input = TestTensors.Uniform(new Random(1), shape.ToArray());
        FloatTensor gradient = TestTensors.Uniform(new Random(2), reference.GetOutputShape(shape).ToArray());
        reference.Forward(input, training: true);
        float[] expected = reference.Backward(gradient).ToArray();

        probed.Forward(input, training: true);
        FloatTensor inferred = probed.Forward(TestTensors.Uniform(new Random(9), shape.WithBatchSize(5).ToArray()), training: false);
        float[] actual = probed.Backward(gradient).ToArray();

        actual.Should().Equal(expected);
        inferred.Shape.BatchSize.Should().Be(5);
    }

    [Theory]
    [MemberData(nameof(BufferedLayerKinds))]
    public void Inference_output_is_a_new_tensor_per_call(string kind)
    {
        var (layer, shape) = Create(kind);
        FloatTensor input = TestTensors.Uniform(new Random(1), shape.ToArray());
        FloatTensor first = layer.Forward(input, training: false);
        FloatTensor second = layer.Forward(input, training: false);

        second.Should().NotBeSameAs(first);
        second.ToArray().Should().Equal(first.ToArray());
    }
}
