using System.Numerics.Tensors;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;
using ConvNet.Core.Training;

namespace ConvNet.Core.Tests.Training;

/// <summary>
/// The power of <see cref="GradientCheck"/>'s criterion: every layer's correct gradients pass, and the same gradients
/// with one element off by 1 % (the element of largest magnitude, in the input gradient or any parameter's) fail, for
/// single layers and for a whole network with batch normalization and dropout in training mode.
/// </summary>
public class GradientCheckMutationTests
{
    private const float OnePercentOff = 1.01f;

    public static TheoryData<string, string> LayerGradients => new()
    {
        { "convolution", "input" }, { "convolution", "weight" }, { "convolution", "bias" },
        { "strided padded convolution", "input" }, { "strided padded convolution", "weight" }, { "strided padded convolution", "bias" },
        { "max pooling", "input" }, { "average pooling", "input" },
        { "affine", "input" }, { "affine", "weight" }, { "affine", "bias" },
        { "relu", "input" }, { "leaky relu", "input" }, { "sigmoid", "input" }, { "tanh", "input" },
        { "batch normalization of images", "input" }, { "batch normalization of images", "gamma" }, { "batch normalization of images", "beta" },
        { "batch normalization of rows", "input" }, { "batch normalization of rows", "gamma" }, { "batch normalization of rows", "beta" },
        { "dropout", "input" }, { "flatten", "input" },
    };

    private static readonly string[] NetworkParameterNames =
    [
        "conv1.weight", "conv1.bias", "bn1.gamma", "bn1.beta", "affine1.weight", "affine1.bias", "bn2.gamma", "bn2.beta",
        "affine2.weight", "affine2.bias",
    ];

    /// <summary>
    /// The parameters whose largest gradient is big enough that 1 % of it exceeds the check's absolute tolerance in
    /// this network (atol is a property of the whole network's rounding noise; the biases and bn1's shift have largest
    /// gradients of 0.01 to 0.03, whose 1 % lies below it).
    /// </summary>
    public static TheoryData<string> NetworkParameters => new("conv1.weight", "bn1.gamma", "affine1.weight", "bn2.gamma", "bn2.beta", "affine2.weight", "affine2.bias");

    [Theory]
    [MemberData(nameof(LayerGradients))]
    public void A_layer_passes_and_fails_when_one_element_of_a_gradient_is_one_percent_off(string kind, string tensor)
    {
        (ILayer correct, FloatTensor input) = CreateLayer(kind);
        GradientCheckReport report = GradientCheck.CheckLayer(correct, input, seed: 3);
        report.Passes.Should().BeTrue(report.ToString());

        (ILayer layer, _) = CreateLayer(kind);
        GradientCheckReport mutated = GradientCheck.CheckLayer(new OneElementOff(layer, tensor), input, seed: 3);

        mutated[tensor].Passes.Should().BeFalse(mutated.ToString());
        mutated.Entries.Where(entry => entry.Name != tensor).All(entry => entry.Passes).Should().BeTrue("only {0} was changed: {1}", tensor, mutated);
    }

    [Fact]
    public void A_network_with_batch_normalization_and_dropout_passes_as_a_whole_and_leaves_its_state_alone()
    {
        Sequential network = CreateNetwork(mutatedParameter: null);
        FloatTensor input = TestTensors.Uniform(new Random(7), 4, 2, 6, 6);
        var runningStatistics = network.Layers.OfType<IStatefulLayer>().SelectMany(layer => layer.State).Select(state => state.Value.ToArray()).ToArray();

        GradientCheckReport report = GradientCheck.CheckNetwork(network, input, [0, 1, 2, 1]);

        report.Passes.Should().BeTrue(report.ToString());
        report.Entries.Select(entry => entry.Name).Should().Equal(NetworkParameterNames);
        network.Layers.OfType<IStatefulLayer>().SelectMany(layer => layer.State).Select(state => state.Value.ToArray())
            .Should().BeEquivalentTo(runningStatistics, options => options.WithStrictOrdering());
        network.Layers.OfType<Dropout>().Should().OnlyContain(dropout => !dropout.FreezeMask, "the check unfreezes the masks it froze");
    }

    [Theory]
    [MemberData(nameof(NetworkParameters))]
    public void A_network_fails_when_one_element_of_one_parameter_gradient_is_one_percent_off(string parameter)
    {
        Sequential network = CreateNetwork(mutatedParameter: parameter);
        FloatTensor input = TestTensors.Uniform(new Random(7), 4, 2, 6, 6);

        GradientCheckReport report = GradientCheck.CheckNetwork(network, input, [0, 1, 2, 1]);

        report[parameter].LargestAnalytic.Should().BeGreaterThan(100 * report[parameter].AbsoluteTolerance, "1 % of it is above atol");
        report[parameter].Passes.Should().BeFalse(report.ToString());
        report.Entries.Where(entry => entry.Name != parameter).All(entry => entry.Passes).Should().BeTrue(report.ToString());
    }

    /// <summary>
    /// [N, 2, 6, 6] → conv1 3×3 pad 1 → relu1 → pool1 (max 2×2) → bn1 → affine1 (8) → tanh1 → bn2 → dropout1 → affine2 (3),
    /// with the layer owning <paramref name="mutatedParameter"/> (if any) wrapped so that one element of its gradient is 1 % off.
    /// </summary>
    private static Sequential CreateNetwork(string? mutatedParameter)
    {
        var random = new Random(5);
        var convolution = new Convolution("conv1", 2, 3, 3, padding: 1);
        var hidden = new Affine("affine1", 3 * 3 * 3, 8);
        var output = new Affine("affine2", 8, 3);
        foreach (Parameter parameter in convolution.Parameters.Concat(hidden.Parameters).Concat(output.Parameters))
        {
            WeightInitialization.Normal(parameter.Value, 0.5f, random);
        }

        var bn1 = new BatchNormalization("bn1", 3);
        var bn2 = new BatchNormalization("bn2", 8);
        foreach (BatchNormalization bn in (BatchNormalization[])[bn1, bn2])
        {
            TestTensors.AwayFromZero(random, bn.Parameters[0].Value.Length).Span.CopyTo(bn.Parameters[0].Value.Span);
            TestTensors.Uniform(random, bn.Parameters[1].Value.Length).Span.CopyTo(bn.Parameters[1].Value.Span);
        }

        ILayer[] layers =
        [
            convolution, new Relu("relu1"), new Pooling("pool1", 2, 2), bn1, hidden, new Tanh("tanh1"), bn2,
            new Dropout("dropout1", 0.25f, seed: 6), output,
        ];
        if (mutatedParameter is not null)
        {
            string[] parts = mutatedParameter.Split('.');
            int index = Array.FindIndex(layers, layer => layer.Name == parts[0]);
            layers[index] = new OneElementOff(layers[index], parts[1]);
        }

        return new Sequential(new TensorShape(2, 6, 6), layers, new SoftmaxWithLoss());
    }

    private static (ILayer Layer, FloatTensor Input) CreateLayer(string kind)
    {
        var random = new Random(kind.Length);
        switch (kind)
        {
            case "convolution":
            case "strided padded convolution":
                var convolution = kind == "convolution"
                    ? new Convolution("conv", 2, 3, 3)
                    : new Convolution("conv", 2, 3, 3, stride: 2, padding: 1);
                WeightInitialization.Normal(convolution.Weight.Value, 0.5f, random);
                WeightInitialization.Normal(convolution.Bias.Value, 0.5f, random);
                return (convolution, TestTensors.Uniform(random, 2, 2, 6, 5));
            case "max pooling":
                return (new Pooling("pool", 2, 2, PoolingMode.Max), TestTensors.Distinct(random, 2, 2, 6, 4));
            case "average pooling":
                return (new Pooling("pool", 3, 1, PoolingMode.Average), TestTensors.Uniform(random, 2, 2, 5, 4));
            case "affine":
                var affine = new Affine("affine", 12, 5);
                WeightInitialization.Normal(affine.Weight.Value, 0.5f, random);
                WeightInitialization.Normal(affine.Bias.Value, 0.5f, random);
                return (affine, TestTensors.Uniform(random, 3, 3, 2, 2));
            case "relu":
                return (new Relu("relu"), TestTensors.AwayFromZero(random, 2, 3, 4));
            case "leaky relu":
                return (new LeakyRelu("leaky", 0.1f), TestTensors.AwayFromZero(random, 2, 3, 4));
            case "sigmoid":
                return (new Sigmoid("sigmoid"), TestTensors.Uniform(random, 2, 3, 4));
            case "tanh":
                return (new Tanh("tanh"), TestTensors.Uniform(random, 2, 3, 4));
            case "batch normalization of images":
            case "batch normalization of rows":
                var bn = new BatchNormalization("bn", 3);
                TestTensors.AwayFromZero(random, 3).Span.CopyTo(bn.Parameters[0].Value.Span);
                TestTensors.Uniform(random, 3).Span.CopyTo(bn.Parameters[1].Value.Span);
                return (bn, kind.EndsWith("images", StringComparison.Ordinal) ? TestTensors.Uniform(random, 2, 3, 3, 2) : TestTensors.Uniform(random, 5, 3));
            case "dropout":
                return (new Dropout("dropout", 0.3f, seed: 4) { FreezeMask = true }, TestTensors.Uniform(random, 3, 8));
            default:
                return (new Flatten("flatten"), TestTensors.Uniform(random, 2, 2, 3, 2));
        }
    }

    /// <summary>A layer whose Backward scales the largest-magnitude element of one gradient (<c>input</c> or a parameter's) by 1.01.</summary>
    private sealed class OneElementOff(ILayer inner, string tensor) : ILayer
    {
        public string Name => inner.Name;

        public IReadOnlyList<Parameter> Parameters => inner.Parameters;

        public TensorShape GetOutputShape(TensorShape inputShape) => inner.GetOutputShape(inputShape);

        public FloatTensor Forward(FloatTensor input, bool training) => inner.Forward(input, training);

        public FloatTensor Backward(FloatTensor outputGradient)
        {
            // A copy: some layers (Flatten) return a view of the upstream gradient, which the check reuses.
            FloatTensor inputGradient = inner.Backward(outputGradient).Clone();
            Span<float> gradient = tensor == "input" ? inputGradient.Span : inner.Parameters.Single(parameter => parameter.Name == tensor).Gradient.Span;
            gradient[TensorPrimitives.IndexOfMaxMagnitude(gradient)] *= OnePercentOff;
            return inputGradient;
        }
    }
}
