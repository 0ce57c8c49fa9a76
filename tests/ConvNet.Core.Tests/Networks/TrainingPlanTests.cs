using ConvNet.Core.Kernels;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;
using ConvNet.Core.Tests.Models;

namespace ConvNet.Core.Tests.Networks;

/// <summary>
/// The fused training step behind <see cref="Sequential.ComputeGradients"/> against the layers' own Forward and Backward
/// run one by one: the same loss and the same parameter gradients, bit for bit, except where a pooled convolution's
/// weight and bias gradients are summed over the pooled maxima alone (<see cref="PooledWeightGradient"/>): the same sums
/// in another order, equal to rounding.
/// </summary>
public sealed class TrainingPlanTests
{
    public static TheoryData<string> Networks => new() { "simple", "deep", "best", "every layer", "pool then relu", "relu only", "pool only", "strided", "rectangular", "padded pooling", "pooled windows" };

    [Fact]
    public void The_seeds_network_fuses_its_convolution_with_the_relu_and_the_pooling()
    {
        TrainingPlan.Fused([.. SimpleConvNet.Create(seed: 1).Layers]).StageNames.Should().Equal("conv1+relu1+pool1", "affine1", "relu2", "affine2");
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Gradients_equal_the_layer_by_layer_gradients(string name)
    {
        Sequential network = Build(name);
        foreach (Dropout dropout in network.Layers.OfType<Dropout>())
        {
            dropout.FreezeMask = true;   // the reference pass draws each mask, the fused pass reuses it
        }

        var random = new Random(name.Length);
        foreach (int batchSize in new[] { 1, 7 })
        {
            FloatTensor input = TestTensors.Uniform(random, [batchSize, .. network.InputShape.ToArray()]);
            int[] labels = [.. Enumerable.Range(0, batchSize).Select(item => random.Next(network.ClassCount))];
            (float expectedLoss, float[][] expected) = LayerByLayer(network, input, labels);
            float loss = network.ComputeGradients(input, labels);
            loss.Should().Be(expectedLoss, $"{name}, batch {batchSize}");
            HashSet<Parameter> reordered = SummedOverMaxima(network);
            for (int parameter = 0; parameter < expected.Length; parameter++)
            {
                (string parameterName, Parameter value) = (network.Parameters[parameter].Name, network.Parameters[parameter].Parameter);
                float[] actual = value.Gradient.ToArray();
                if (reordered.Contains(value))
                {
                    // Sums of up to a few thousand products in another order: within 1e-5 of the largest gradient.
                    float scale = Math.Max(1e-3f, expected[parameter].Max(Math.Abs));
                    actual.Zip(expected[parameter], (a, e) => Math.Abs(a - e)).Max().Should().BeLessThan(1e-5f * scale, $"{name}, batch {batchSize}: {parameterName}");
                }
                else
                {
                    actual.Should().Equal(expected[parameter], $"{name}, batch {batchSize}: {parameterName}");
                }
            }
        }
    }

    [Fact]
    public void Profiling_a_step_times_every_stage_and_leaves_the_same_gradients()
    {
        Sequential network = Build("simple");
        FloatTensor input = TestTensors.Uniform(new Random(2), 5, 1, 28, 28);
        int[] labels = [1, 2, 3, 4, 5];
        network.ComputeGradients(input, labels);
        float[][] expected = [.. network.Parameters.Select(parameter => parameter.Parameter.Gradient.ToArray())];

        IReadOnlyList<StageTiming> timings = network.ProfileGradients(input, labels);

        timings.Select(timing => timing.Name).Should().Equal("conv1+relu1+pool1", "affine1", "relu2", "affine2", "loss");
        timings.Should().OnlyContain(timing => timing.Forward >= TimeSpan.Zero && timing.Backward >= TimeSpan.Zero);
        network.Parameters.Select(parameter => parameter.Parameter.Gradient.ToArray()).Should().BeEquivalentTo(expected, options => options.WithStrictOrdering());
        network.ProfilePredict(input).Select(timing => (timing.Name, timing.Backward)).Should().Equal(
            ("conv1+relu1+pool1", TimeSpan.Zero), ("affine1+relu2", TimeSpan.Zero), ("affine2", TimeSpan.Zero));
    }

    [Fact]
    public void The_seeds_convolution_sums_its_weight_gradient_over_the_pooled_maxima_where_the_machine_can()
    {
        Sequential network = SimpleConvNet.Create(seed: 1);
        SummedOverMaxima(network).Should().HaveCount(Lanes256.IsSupported ? 2 : 0);
    }

    /// <summary>The weight and bias of every convolution whose fused stage takes <see cref="PooledWeightGradient"/>.</summary>
    private static HashSet<Parameter> SummedOverMaxima(Sequential network)
    {
        ILayer[] layers = [.. network.Layers];
        var parameters = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        var shape = new TensorShape([1, .. network.InputShape.ToArray()]);
        for (int index = 0; index < layers.Length; index++)
        {
            if (layers[index] is Convolution convolution && ConvolutionRun.At(layers, index).Pooling is not null
                && PooledWeightGradient.Supports(convolution.GeometryFor(shape)))
            {
                parameters.Add(convolution.Weight);
                parameters.Add(convolution.Bias);
            }

            shape = layers[index].GetOutputShape(shape);
        }

        return parameters;
    }

    /// <summary>The reference: every layer's training-mode Forward, the loss, every layer's Backward.</summary>
    private static (float Loss, float[][] Gradients) LayerByLayer(Sequential network, FloatTensor input, int[] labels)
    {
        FloatTensor activation = input;
        foreach (ILayer layer in network.Layers)
        {
            activation = layer.Forward(activation, training: true);
        }

        float loss = network.LossLayer.Forward(activation, labels);
        FloatTensor gradient = network.LossLayer.Backward();
        for (int index = network.Layers.Count - 1; index >= 0; index--)
        {
            gradient = network.Layers[index].Backward(gradient);
        }

        return (loss, [.. network.Parameters.Select(parameter => parameter.Parameter.Gradient.ToArray())]);
    }

    private static Sequential Build(string name)
    {
        Sequential network = name switch
        {
            "simple" => SimpleConvNet.Create(seed: 1),
            "deep" => DeepConvNet.Create(seed: 1),
            "best" => BestConvNet.Create(seed: 1),
            "every layer" => TestModels.EveryLayer(seed: 1),
            "pool then relu" => Stack(builder => builder.Convolution(5, kernelSize: 3, padding: 1).MaxPool(2).Relu().Convolution(4, kernelSize: 3).MaxPool(3).Relu()),
            "relu only" => Stack(builder => builder.Convolution(5, kernelSize: 3).Relu().Convolution(6, kernelSize: 3, padding: 2).Relu()),
            "pool only" => Stack(builder => builder.Convolution(5, kernelSize: 3).MaxPool(2).Convolution(6, kernelSize: 1).MaxPool(2)),
            "rectangular" => Stack(builder => builder.Convolution(5, kernelSize: (3, 2), padding: 1).Relu().MaxPool(2).Convolution(4, kernelSize: (1, 3)).MaxPool((2, 1), stride: 2).Relu()),
            "padded pooling" => Stack(builder => builder.Convolution(5, kernelSize: 3).Relu().MaxPool(2, padding: 1)),
            "pooled windows" => Stack(builder => builder.Convolution(5, kernelSize: (3, 5)).MaxPool(2).Convolution(4, kernelSize: 4).Relu().MaxPool(2)),
            _ => Stack(builder => builder.Convolution(5, kernelSize: 3, stride: 2, padding: 1).Relu().MaxPool(2).Convolution(7, kernelSize: 2, stride: 2)),
        };
        TestModels.Randomize(network, seed: 1);
        return network;
    }

    private static Sequential Stack(Func<SequentialBuilder, SequentialBuilder> layers) =>
        layers(new SequentialBuilder(new TensorShape(2, 16, 15))).Affine(6).Relu().Affine(3).Build(new SoftmaxWithLoss(), seed: 1);
}
