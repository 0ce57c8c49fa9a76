using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;
using ConvNet.Core.Training;

namespace ConvNet.Core.Tests.Layers;

public class DropoutTests
{
    private static FloatTensor Ones(int count)
    {
        var tensor = new FloatTensor(count / 100, 100);
        tensor.Span.Fill(1f);
        return tensor;
    }

    [Fact]
    public void Training_drops_about_rate_and_scales_survivors_by_the_inverse_keep_probability()
    {
        float[] output = new Dropout("d", 0.3f, seed: 5).Forward(Ones(20_000), training: true).ToArray();

        output.Should().OnlyContain(v => v == 0f || Math.Abs(v - (1f / 0.7f)) < 1e-6f);
        double dropped = output.Count(v => v == 0f) / (double)output.Length;
        dropped.Should().BeApproximately(0.3, 0.015);
        output.Average().Should().BeApproximately(1f, 0.03f);
    }

    [Fact]
    public void Inference_is_the_identity()
    {
        FloatTensor input = TestTensors.Uniform(new Random(1), 4, 25);

        new Dropout("d", 0.5f, seed: 5).Forward(input, training: false).ToArray().Should().Equal(input.ToArray());
    }

    [Fact]
    public void Masks_depend_only_on_the_seed()
    {
        float[] first = new Dropout("d", 0.5f, seed: 7).Forward(Ones(1000), training: true).ToArray();
        float[] again = new Dropout("d", 0.5f, seed: 7).Forward(Ones(1000), training: true).ToArray();
        float[] other = new Dropout("d", 0.5f, seed: 8).Forward(Ones(1000), training: true).ToArray();

        again.Should().Equal(first);
        other.Should().NotEqual(first);
    }

    [Fact]
    public void Each_training_step_draws_a_new_mask()
    {
        var layer = new Dropout("d", 0.5f, seed: 7);
        float[] first = layer.Forward(Ones(1000), training: true).ToArray();

        layer.Forward(Ones(1000), training: true).ToArray().Should().NotEqual(first);
    }

    [Fact]
    public void Backward_lets_through_exactly_the_kept_elements_scaled()
    {
        var layer = new Dropout("d", 0.5f, seed: 3);
        float[] mask = layer.Forward(Ones(1000), training: true).ToArray();
        FloatTensor gradient = TestTensors.Uniform(new Random(4), 10, 100);

        float[] inputGradient = layer.Backward(gradient).ToArray();

        inputGradient.Should().Equal(gradient.ToArray().Zip(mask, (g, m) => g * m));
    }

    [Fact]
    public void Backward_with_a_frozen_mask_matches_central_differences()
    {
        var layer = new Dropout("d", 0.4f, seed: 3) { FreezeMask = true };
        var shape = new TensorShape(2, 3, 4, 5);

        GradientCheckReport report = GradientCheck.CheckLayer(layer, TestTensors.Uniform(new Random(1), shape.ToArray()), seed: 2);

        report.Passes.Should().BeTrue(report.ToString());
    }

    [Fact]
    public void Rate_outside_zero_to_one_is_rejected()
    {
        FluentActions.Invoking(() => new Dropout("d", 1f, seed: 1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("rate");
    }
}
