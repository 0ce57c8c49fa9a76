using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;
using ConvNet.Core.Tests.Models;

namespace ConvNet.Core.Tests.Networks;

/// <summary>
/// The fused training step behind <see cref="Sequential.ComputeGradients"/> against the layers' own Forward and Backward
/// run one by one: the same loss and the same parameter gradients, bit for bit.
/// </summary>
public sealed class TrainingPlanTests
{
    public static TheoryData<string> Networks => new() { "simple", "deep", "best", "every layer", "pool then relu", "relu only", "pool only", "strided", "rectangular", "padded pooling" };

    [Fact]
    public void The_seeds_network_fuses_its_convolution_with_the_relu_and_the_pooling()
    {
        TrainingPlan.Fused([.. SimpleConvNet.Create(seed: 1).Layers]).StageNames.Should().Equal("conv1+relu1+pool1", "affine1", "relu2", "affine2");
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Gradients_equal_the_layer_by_layer_gradients_bit_for_bit(string name)
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
            for (int parameter = 0; parameter < expected.Length; parameter++)
            {
                network.Parameters[parameter].Parameter.Gradient.ToArray().Should().Equal(
                    expected[parameter], $"{name}, batch {batchSize}: {network.Parameters[parameter].Name}");
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
            _ => Stack(builder => builder.Convolution(5, kernelSize: 3, stride: 2, padding: 1).Relu().MaxPool(2).Convolution(7, kernelSize: 2, stride: 2)),
        };
        TestModels.Randomize(network, seed: 1);
        return network;
    }

    private static Sequential Stack(Func<SequentialBuilder, SequentialBuilder> layers) =>
        layers(new SequentialBuilder(new TensorShape(2, 16, 15))).Affine(6).Relu().Affine(3).Build(new SoftmaxWithLoss(), seed: 1);
}
