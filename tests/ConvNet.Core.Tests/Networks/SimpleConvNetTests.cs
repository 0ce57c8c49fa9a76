using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;
using ConvNet.Core.Training;

namespace ConvNet.Core.Tests.Networks;

public class SimpleConvNetTests
{
    /// <summary>The seed's gradient-check configuration: 1×10×10 input, 10 filters 3×3, hidden 10.</summary>
    internal static readonly SimpleConvNetOptions GradientCheckOptions = new()
    {
        InputHeight = 10, InputWidth = 10, FilterCount = 10, FilterSize = 3, HiddenSize = 10, OutputSize = 10,
    };

    [Fact]
    public void Defaults_build_the_seeds_network()
    {
        var network = SimpleConvNet.Create(seed: 1);

        network.Layers.Select(layer => layer.Name).Should().Equal("conv1", "relu1", "pool1", "affine1", "relu2", "affine2");
        network.Parameters.Select(named => $"{named.Name}{named.Parameter.Shape}").Should().Equal(
            "conv1.weight[30, 1, 5, 5]", "conv1.bias[30]", "affine1.weight[4320, 100]", "affine1.bias[100]",
            "affine2.weight[100, 10]", "affine2.bias[10]");
        network.InputShape.Should().Be(new TensorShape(1, 28, 28));
        network.ClassCount.Should().Be(10);
        network.Predict(new FloatTensor(3, 1, 28, 28)).Shape.Should().Be(new TensorShape(3, 10));
    }

    [Fact]
    public void Weights_follow_the_seed_and_the_standard_deviation()
    {
        var first = SimpleConvNet.Create(GradientCheckOptions, seed: 5);
        var same = SimpleConvNet.Create(GradientCheckOptions, seed: 5);
        var other = SimpleConvNet.Create(GradientCheckOptions, seed: 6);

        float[] weights = first.Parameters[2].Parameter.Value.ToArray();
        weights.Should().Equal(same.Parameters[2].Parameter.Value.ToArray());
        weights.Should().NotEqual(other.Parameters[2].Parameter.Value.ToArray());
        Math.Sqrt(weights.Average(w => (double)w * w)).Should().BeApproximately(0.01, 0.001);
        first.Parameters[1].Parameter.Value.ToArray().Should().OnlyContain(b => b == 0f);
    }

    [Fact]
    public void Gradient_check_on_the_seed_config_covers_all_six_parameters()
    {
        // The seed's weight scale (0.01) wants a step of 1e-4 (1 % of the weights, see GradientCheck's remarks).
        var network = SimpleConvNet.Create(GradientCheckOptions, seed: 1);
        var random = new Random(1);
        FloatTensor input = TestTensors.Uniform(random, 2, 1, 10, 10);

        GradientCheckReport report = GradientCheck.CheckNetwork(network, input, [3, 7], epsilon: 1e-4f);

        report.Entries.Select(entry => entry.Name).Should().Equal(
            "conv1.weight", "conv1.bias", "affine1.weight", "affine1.bias", "affine2.weight", "affine2.bias");
        report.Entries.Should().OnlyContain(entry => entry.LargestAnalytic > 0, "every parameter, W3/b3 included, gets a gradient");
        report.Passes.Should().BeTrue(report.ToString());
    }

    [Fact]
    public void One_plain_SGD_step_changes_every_parameter_and_lowers_the_loss()
    {
        var network = SimpleConvNet.Create(GradientCheckOptions with { WeightInitStandardDeviation = 0.1f }, seed: 4);
        var random = new Random(4);
        FloatTensor input = TestTensors.Uniform(random, 8, 1, 10, 10);
        int[] labels = [0, 1, 2, 3, 4, 5, 6, 7];
        float[][] before = network.Parameters.Select(named => named.Parameter.Value.ToArray()).ToArray();

        float loss = network.ComputeGradients(input, labels);
        foreach (NamedParameter named in network.Parameters)
        {
            Span<float> values = named.Parameter.Value.Span;
            ReadOnlySpan<float> gradient = named.Parameter.Gradient.ReadOnlySpan;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] -= 0.1f * gradient[i];
            }
        }

        for (int p = 0; p < before.Length; p++)
        {
            network.Parameters[p].Parameter.Value.ToArray().Should().NotEqual(before[p], network.Parameters[p].Name);
        }

        network.Loss(input, labels).Should().BeLessThan(loss);
    }

    [Fact]
    public void Loss_of_an_untrained_network_is_near_log_of_the_class_count()
    {
        var network = SimpleConvNet.Create(GradientCheckOptions, seed: 8);
        FloatTensor input = TestTensors.Uniform(new Random(8), 4, 1, 10, 10);
        network.Loss(input, [0, 1, 2, 3]).Should().BeApproximately(MathF.Log(10), 0.01f);
    }

    [Fact]
    public void Concurrent_Predict_equals_sequential_results_bit_for_bit()
    {
        var network = SimpleConvNet.Create(GradientCheckOptions with { WeightInitStandardDeviation = 0.3f }, seed: 9);
        FloatTensor[] inputs = Enumerable.Range(0, 16).Select(i => TestTensors.Uniform(new Random(100 + i), 1 + (i % 3), 1, 10, 10)).ToArray();
        float[][] sequential = inputs.Select(input => network.Predict(input).ToArray()).ToArray();

        var concurrent = new float[inputs.Length * 8][];
        Parallel.For(0, concurrent.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            concurrent[i] = network.Predict(inputs[i % inputs.Length]).ToArray();
        });

        for (int i = 0; i < concurrent.Length; i++)
        {
            concurrent[i].Should().Equal(sequential[i % inputs.Length]);
        }
    }

    [Fact]
    public void Predict_during_training_does_not_disturb_gradients()
    {
        var network = SimpleConvNet.Create(GradientCheckOptions with { WeightInitStandardDeviation = 0.3f }, seed: 10);
        FloatTensor input = TestTensors.Uniform(new Random(10), 2, 1, 10, 10);
        network.ComputeGradients(input, [1, 2]);
        float[] expected = network.Parameters[0].Parameter.Gradient.ToArray();

        network.Predict(TestTensors.Uniform(new Random(11), 5, 1, 10, 10));
        network.ComputeGradients(input, [1, 2]);

        network.Parameters[0].Parameter.Gradient.ToArray().Should().Equal(expected);
    }

    [Theory]
    [InlineData(nameof(SimpleConvNetOptions.FilterSize), "*FilterSize 11*10×10*")]
    [InlineData(nameof(SimpleConvNetOptions.PoolSize), "*PoolSize 9*8×8*")]
    [InlineData(nameof(SimpleConvNetOptions.HiddenSize), "*HiddenSize must be positive; got 0*")]
    public void Bad_options_name_the_property_and_the_derived_sizes(string property, string message)
    {
        SimpleConvNetOptions options = property switch
        {
            nameof(SimpleConvNetOptions.FilterSize) => GradientCheckOptions with { FilterSize = 11 },
            nameof(SimpleConvNetOptions.PoolSize) => GradientCheckOptions with { PoolSize = 9 },
            _ => GradientCheckOptions with { HiddenSize = 0 },
        };

        FluentActions.Invoking(() => SimpleConvNet.Create(options, seed: 1))
            .Should().Throw<ArgumentException>().WithMessage(message).Which.ParamName.Should().Be(property);
    }

    [Fact]
    public void Builder_gives_the_seeds_shapes_and_can_be_extended()
    {
        SequentialBuilder builder = SimpleConvNet.CreateBuilder(new SimpleConvNetOptions());

        builder.OutputShape.Should().Be(new TensorShape(1, 10));
        builder.Relu().Affine(3).Build(new SoftmaxWithLoss(), seed: 1).Layers.Select(layer => layer.Name).Should().Equal(
            "conv1", "relu1", "pool1", "affine1", "relu2", "affine2", "relu3", "affine3");
    }
}

[Collection(RunsAlone.Name)]
public class SimpleConvNetAllocationTests
{
    [Fact]
    public void A_steady_state_training_step_allocates_nothing()
    {
        var network = SimpleConvNet.Create(SimpleConvNetTests.GradientCheckOptions, seed: 12);
        FloatTensor input = TestTensors.Uniform(new Random(12), 4, 1, 10, 10);
        int[] labels = [1, 2, 3, 4];
        network.ComputeGradients(input, labels);

        long before = GC.GetAllocatedBytesForCurrentThread();
        network.ComputeGradients(input, labels);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().Be(0, "training-mode layers reuse their buffers while the batch size stays the same");
    }
}
