using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;
using ConvNet.Core.Training;

namespace ConvNet.Core.Tests.Training;

public class GradientCheckTests
{
    [Fact]
    public void A_correct_smooth_layer_passes()
    {
        GradientCheckReport report = GradientCheck.CheckLayer(new ScaledSquare("square", derivativeFactor: 2f), TestTensors.Uniform(new Random(1), 2, 3));
        report.Passes.Should().BeTrue(report.ToString());
        report["input"].LargestAnalytic.Should().BeGreaterThan(0);
    }

    [Fact]
    public void A_wrong_input_gradient_is_reported()
    {
        // d(x²)/dx is 2x; a layer claiming 1.5x is off by 25 %.
        GradientCheckReport report = GradientCheck.CheckLayer(new ScaledSquare("square", derivativeFactor: 1.5f), TestTensors.Uniform(new Random(2), 2, 3));
        report.Passes.Should().BeFalse();
        (report["input"].Analytic / report["input"].Numeric).Should().BeApproximately(0.75, 0.001);
    }

    [Fact]
    public void A_wrong_parameter_gradient_is_reported_by_name_and_values_are_restored()
    {
        var layer = new Affine("affine", 4, 3);
        WeightInitialization.Normal(layer.Weight.Value, 1f, new Random(3));
        var broken = new BiasGradientDoubler(layer);
        FloatTensor input = TestTensors.Uniform(new Random(4), 2, 4);
        float[] weightsBefore = layer.Weight.Value.ToArray();
        float[] inputBefore = input.ToArray();

        GradientCheckReport report = GradientCheck.CheckLayer(broken, input);

        report["weight"].Passes.Should().BeTrue(report.ToString());
        report["bias"].Passes.Should().BeFalse();
        (report["bias"].Analytic / report["bias"].Numeric).Should().BeApproximately(2, 0.002);
        layer.Weight.Value.ToArray().Should().Equal(weightsBefore);
        input.ToArray().Should().Equal(inputBefore);
    }

    [Fact]
    public void A_network_check_restores_every_parameter()
    {
        var network = SimpleConvNet.Create(new SimpleConvNetOptions { InputHeight = 6, InputWidth = 6, FilterCount = 2, FilterSize = 3, HiddenSize = 3, OutputSize = 3 }, seed: 5);
        float[][] before = network.Parameters.Select(named => named.Parameter.Value.ToArray()).ToArray();

        GradientCheck.CheckNetwork(network, TestTensors.Uniform(new Random(5), 2, 1, 6, 6), [0, 2]);

        network.Parameters.Select(named => named.Parameter.Value.ToArray()).Should().BeEquivalentTo(before, options => options.WithStrictOrdering());
    }

    [Fact]
    public void A_non_positive_step_is_rejected()
    {
        FluentActions.Invoking(() => GradientCheck.CheckLayer(new Relu("relu"), new FloatTensor(1, 2), epsilon: 0f))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("epsilon");
    }

    /// <summary>y = x², with Backward multiplying by <c>derivativeFactor</c>·x (2 is correct).</summary>
    private sealed class ScaledSquare(string name, float derivativeFactor) : ILayer
    {
        private FloatTensor? _input;

        public string Name => name;

        public IReadOnlyList<Parameter> Parameters => [];

        public TensorShape GetOutputShape(TensorShape inputShape) => inputShape;

        public FloatTensor Forward(FloatTensor input, bool training)
        {
            _input = input.Clone();
            var output = new FloatTensor(input.Shape);
            for (int i = 0; i < input.Length; i++)
            {
                output.Span[i] = input.ReadOnlySpan[i] * input.ReadOnlySpan[i];
            }

            return output;
        }

        public FloatTensor Backward(FloatTensor outputGradient)
        {
            var inputGradient = new FloatTensor(outputGradient.Shape);
            for (int i = 0; i < inputGradient.Length; i++)
            {
                inputGradient.Span[i] = derivativeFactor * _input!.ReadOnlySpan[i] * outputGradient.ReadOnlySpan[i];
            }

            return inputGradient;
        }
    }

    /// <summary>An affine layer whose bias gradient is reported twice too large.</summary>
    private sealed class BiasGradientDoubler(Affine inner) : ILayer
    {
        public string Name => inner.Name;

        public IReadOnlyList<Parameter> Parameters => inner.Parameters;

        public TensorShape GetOutputShape(TensorShape inputShape) => inner.GetOutputShape(inputShape);

        public FloatTensor Forward(FloatTensor input, bool training) => inner.Forward(input, training);

        public FloatTensor Backward(FloatTensor outputGradient)
        {
            FloatTensor inputGradient = inner.Backward(outputGradient);
            Span<float> bias = inner.Bias.Gradient.Span;
            for (int i = 0; i < bias.Length; i++)
            {
                bias[i] *= 2f;
            }

            return inputGradient;
        }
    }
}
