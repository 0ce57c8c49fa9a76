using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;
using ConvNet.Core.Training;

namespace ConvNet.Core.Tests.Layers;

public class ActivationTests
{
    private static readonly float[] Inputs = [-2f, -0.5f, 0.25f, 3f];

    private static float[] Apply(ILayer layer) =>
        layer.Forward(FloatTensor.FromSpan(new TensorShape(1, Inputs.Length), Inputs), training: false).ToArray();

    [Fact]
    public void Sigmoid_matches_the_logistic_function()
    {
        Apply(new Sigmoid("s")).Should().Equal(
            Inputs.Select(x => (float)(1.0 / (1.0 + Math.Exp(-x)))), (a, b) => Math.Abs(a - b) < 1e-6f);
    }

    [Fact]
    public void Tanh_matches_the_hyperbolic_tangent()
    {
        Apply(new Tanh("t")).Should().Equal(Inputs.Select(x => (float)Math.Tanh(x)), (a, b) => Math.Abs(a - b) < 1e-6f);
    }

    [Fact]
    public void LeakyRelu_scales_only_negative_input()
    {
        Apply(new LeakyRelu("l", 0.1f)).Should().Equal(-0.2f, -0.05f, 0.25f, 3f);
    }

    [Fact]
    public void LeakyRelu_rejects_a_slope_outside_zero_to_one()
    {
        FluentActions.Invoking(() => new LeakyRelu("l", 1f)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("slope");
        FluentActions.Invoking(() => new LeakyRelu("l", -0.1f)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("slope");
    }

    [Fact]
    public void LeakyRelu_backward_passes_the_slope_for_negative_input()
    {
        var layer = new LeakyRelu("l", 0.1f);
        layer.Forward(FloatTensor.FromSpan(new TensorShape(1, 4), Inputs), training: true);
        layer.Backward(FloatTensor.FromSpan(new TensorShape(1, 4), [1f, 2f, 3f, 4f])).ToArray()
            .Should().Equal([0.1f, 0.2f, 3f, 4f], (a, b) => Math.Abs(a - b) < 1e-7f);
    }

    [Theory]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    [InlineData("leakyrelu")]
    public void Backward_matches_central_differences(string kind)
    {
        ILayer layer = kind switch
        {
            "sigmoid" => new Sigmoid("s"),
            "tanh" => new Tanh("t"),
            _ => new LeakyRelu("l", 0.2f),
        };
        var shape = new TensorShape(2, 3, 4, 5);

        // Inputs at least 0.1 from zero keep central differences off the leaky ReLU's kink.
        GradientCheckReport report = GradientCheck.CheckLayer(layer, TestTensors.AwayFromZero(new Random(11), shape.ToArray()), seed: 12);

        report.Passes.Should().BeTrue(report.ToString());
    }
}
