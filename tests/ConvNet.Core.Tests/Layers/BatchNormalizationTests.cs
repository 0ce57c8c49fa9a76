using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;
using ConvNet.Core.Training;

namespace ConvNet.Core.Tests.Layers;

public class BatchNormalizationTests
{
    private const float Epsilon = 1e-5f;

    private static bool Close(float a, float b) => Math.Abs(a - b) < 1e-4f;

    [Fact]
    public void Training_normalizes_each_feature_over_the_batch_by_hand()
    {
        var layer = new BatchNormalization("bn", 2);
        // Feature 0: mean 2, variance 1; feature 1: mean 15, variance 25.
        FloatTensor input = FloatTensor.FromSpan(new TensorShape(2, 2), [1f, 10f, 3f, 20f]);

        float[] output = layer.Forward(input, training: true).ToArray();

        float unit = 1f / MathF.Sqrt(1f + Epsilon);
        float unitWide = 5f / MathF.Sqrt(25f + Epsilon);
        output.Should().Equal([-unit, -unitWide, unit, unitWide], Close);
    }

    [Fact]
    public void Training_folds_batch_statistics_into_the_running_estimates_with_the_momentum()
    {
        var layer = new BatchNormalization("bn", 2, momentum: 0.9f);

        layer.Forward(FloatTensor.FromSpan(new TensorShape(2, 2), [1f, 10f, 3f, 20f]), training: true);

        layer.State[0].Name.Should().Be("running_mean");
        layer.State[0].Value.ToArray().Should().Equal([0.2f, 1.5f], Close);
        layer.State[1].Name.Should().Be("running_variance");
        layer.State[1].Value.ToArray().Should().Equal([1.0f, 3.4f], Close);
    }

    [Fact]
    public void Training_on_images_gives_each_channel_mean_beta_and_deviation_gamma()
    {
        var layer = new BatchNormalization("bn", 3);
        layer.Parameters[0].Value.Span.Fill(2f);
        layer.Parameters[1].Value.Span.Fill(3f);
        FloatTensor input = TestTensors.Uniform(new Random(1), 4, 3, 5, 6);

        FloatTensor output = layer.Forward(input, training: true);

        for (int channel = 0; channel < 3; channel++)
        {
            var values = new List<double>();
            for (int item = 0; item < 4; item++)
            {
                for (int y = 0; y < 5; y++)
                {
                    for (int x = 0; x < 6; x++)
                    {
                        values.Add(output[item, channel, y, x]);
                    }
                }
            }

            double mean = values.Average();
            double deviation = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
            mean.Should().BeApproximately(3.0, 1e-4);
            deviation.Should().BeApproximately(2.0, 1e-3);
        }
    }

    [Fact]
    public void Inference_uses_the_running_estimates_by_hand()
    {
        var layer = new BatchNormalization("bn", 2);
        layer.State[0].Value.Span[0] = 1f;
        layer.State[0].Value.Span[1] = -1f;
        layer.State[1].Value.Span[0] = 4f;
        layer.State[1].Value.Span[1] = 0.25f;
        layer.Parameters[0].Value.Span[0] = 2f;
        layer.Parameters[1].Value.Span[0] = 0.5f;

        float[] output = layer.Forward(FloatTensor.FromSpan(new TensorShape(1, 2), [3f, 0f]), training: false).ToArray();

        // 2 · (3 − 1) / 2 + 0.5 and 1 · (0 + 1) / 0.5 + 0.
        output.Should().Equal([2.5f, 2f], Close);
    }

    [Fact]
    public void Inference_leaves_the_running_estimates_unchanged_and_scores_items_independently()
    {
        var layer = new BatchNormalization("bn", 3);
        layer.Forward(TestTensors.Uniform(new Random(1), 8, 3, 4, 4), training: true);
        float[] meanBefore = layer.State[0].Value.ToArray();
        FloatTensor batch = TestTensors.Uniform(new Random(2), 5, 3, 4, 4);

        float[] whole = layer.Forward(batch, training: false).ToArray();
        float[] lastAlone = layer.Forward(batch.SliceBatch(4, 1), training: false).ToArray();

        whole[^lastAlone.Length..].Should().Equal(lastAlone);
        layer.State[0].Value.ToArray().Should().Equal(meanBefore);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Backward_matches_central_differences_for_input_gamma_and_beta(int rank)
    {
        var layer = new BatchNormalization("bn", 3);
        TestTensors.Uniform(new Random(5), 3).Span.CopyTo(layer.Parameters[0].Value.Span);
        TestTensors.Uniform(new Random(6), 3).Span.CopyTo(layer.Parameters[1].Value.Span);
        TensorShape shape = rank == 2 ? new TensorShape(5, 3) : new TensorShape(2, 3, 3, 4);

        GradientCheckReport report = GradientCheck.CheckLayer(layer, TestTensors.Uniform(new Random(1), shape.ToArray()), seed: 2);

        report.Passes.Should().BeTrue(report.ToString());
        report.Entries.Select(entry => entry.Name).Should().Equal("input", "gamma", "beta");
    }

    [Fact]
    public void Backward_overwrites_the_parameter_gradients()
    {
        var layer = new BatchNormalization("bn", 3);
        var shape = new TensorShape(4, 3);
        FloatTensor input = TestTensors.Uniform(new Random(1), shape.ToArray());
        FloatTensor gradient = TestTensors.Uniform(new Random(2), shape.ToArray());
        layer.Forward(input, training: true);
        layer.Backward(gradient);
        float[] once = layer.Parameters[0].Gradient.ToArray();

        layer.Forward(input, training: true);
        layer.Backward(gradient);

        layer.Parameters[0].Gradient.ToArray().Should().Equal(once);
    }

    [Fact]
    public void A_wrong_feature_count_is_rejected_with_the_shape()
    {
        FluentActions.Invoking(() => new BatchNormalization("bn", 3).Forward(new FloatTensor(2, 4, 5, 5), training: true))
            .Should().Throw<ArgumentException>().WithMessage("*[N, 3, H, W]*[2, 4, 5, 5]*");
    }

    [Fact]
    public void With_momentum_zero_inference_on_the_last_training_batch_reproduces_the_training_output()
    {
        var layer = new BatchNormalization("bn", 3, momentum: 0f);
        TestTensors.Uniform(new Random(5), 3).Span.CopyTo(layer.Parameters[0].Value.Span);
        FloatTensor input = TestTensors.Uniform(new Random(1), 4, 3, 2, 5);

        float[] training = layer.Forward(input, training: true).ToArray();
        float[] inference = layer.Forward(input, training: false).ToArray();

        inference.Should().Equal(training, (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public void Inference_mode_has_the_slope_gamma_over_the_running_deviation_by_central_differences()
    {
        var layer = new BatchNormalization("bn", 2);
        layer.Forward(TestTensors.Uniform(new Random(1), 6, 2, 3, 3), training: true);
        layer.Parameters[0].Value.Span[1] = -1.5f;
        FloatTensor input = TestTensors.Uniform(new Random(2), 1, 2, 3, 3);
        const float Step = 1e-2f;

        for (int channel = 0; channel < 2; channel++)
        {
            int index = (channel * 9) + 4;
            float original = input.Span[index];
            input.Span[index] = original + Step;
            float plus = layer.Forward(input, training: false).ReadOnlySpan[index];
            input.Span[index] = original - Step;
            float minus = layer.Forward(input, training: false).ReadOnlySpan[index];
            input.Span[index] = original;

            float expected = layer.Parameters[0].Value.ReadOnlySpan[channel] / MathF.Sqrt(layer.State[1].Value.ReadOnlySpan[channel] + Epsilon);
            ((plus - minus) / (2 * Step)).Should().BeApproximately(expected, 1e-3f * Math.Max(1f, Math.Abs(expected)));
        }
    }
}
