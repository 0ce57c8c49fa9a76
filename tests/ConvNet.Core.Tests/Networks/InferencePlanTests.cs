using ConvNet.Core.Kernels;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;
using ConvNet.Core.Tests.Models;

namespace ConvNet.Core.Tests.Networks;

/// <summary>
/// The fused inference plan behind <see cref="Sequential.Predict"/> against the layer-by-layer reference, on the
/// library's networks and on stacks the fusion covers only in part.
/// </summary>
public sealed class InferencePlanTests
{
    public static TheoryData<string> Networks => new() { "simple", "deep", "best", "every layer", "fallbacks", "rectangular" };

    [Fact]
    public void The_seeds_network_runs_as_three_fused_stages()
    {
        InferencePlan.Fused(SimpleConvNet.Create(seed: 1).Layers).StageNames.Should().Equal("conv1+relu1+pool1", "affine1+relu2", "affine2");
    }

    [Fact]
    public void Runs_the_fusion_does_not_cover_stay_layer_by_layer()
    {
        InferencePlan.Fused(Build("fallbacks").Layers).StageNames.Should().Equal(
            "conv1",                  // followed by average pooling
            "pool1",
            "conv2",                  // followed by a leaky ReLU
            "leakyrelu1",
            "conv3+pool2+relu1",      // max pooling then ReLU: they commute
            "conv4+relu2",            // overlapping max pooling stays a layer
            "pool3",
            "flatten1",
            "affine1",                // dropout left out, then a sigmoid
            "sigmoid1",
            "affine2+relu3",
            "affine3");
        InferencePlan.Fused(DeepConvNet.Create(seed: 1).Layers).StageNames.Should().Equal(
            "conv1+relu1", "conv2+relu2+pool1", "conv3+relu3", "conv4+relu4+pool2", "conv5+relu5", "conv6+relu6+pool3", "affine1+relu7", "affine2");
    }

    [Fact]
    public void Rectangular_kernels_fuse_and_rectangular_or_padded_pooling_stays_a_layer()
    {
        InferencePlan.Fused(Build("rectangular").Layers).StageNames.Should().Equal(
            "conv1+relu1+pool1",      // a 3×5 kernel, then square max pooling: fused
            "conv2+relu2",            // followed by padded max pooling
            "pool2",
            "conv3",                  // followed by a 1×2 max pooling window
            "pool3",
            "flatten1",
            "affine1");
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Predict_equals_the_layer_by_layer_reference_at_every_batch_size(string name)
    {
        Sequential network = Build(name);
        var random = new Random(name.Length);
        foreach (int batchSize in new[] { 1, 2, 3, 5, 33, 100, 257 })
        {
            FloatTensor input = TestTensors.Uniform(random, [batchSize, .. network.InputShape.ToArray()]);
            float[] expected = InferencePlan.LayerByLayer(network.Layers).Run(input).ToArray();
            float[] actual = network.Predict(input).ToArray();
            for (int item = 0; item < batchSize; item++)
            {
                Span<float> scores = expected.AsSpan(item * network.ClassCount, network.ClassCount);
                float scale = Math.Max(1e-30f, scores.ToArray().Max(MathF.Abs));
                for (int index = item * network.ClassCount; index < (item + 1) * network.ClassCount; index++)
                {
                    actual[index].Should().BeApproximately(expected[index], 1e-5f * scale, $"{name}, batch {batchSize}, item {item}");
                }
            }
        }
    }

    [Fact]
    public void The_seeds_network_gives_the_reference_bits_once_the_batch_takes_the_GEMM()
    {
        // The convolution stage is exact at every batch size; the affine stages from MaxStreamedRows + 1 rows on.
        Sequential network = SimpleConvNet.Create(seed: 3);
        TestModels.Randomize(network, seed: 3);
        FloatTensor input = TestTensors.Uniform(new Random(3), 64, 1, 28, 28);
        network.Predict(input).ToArray().Should().Equal(InferencePlan.LayerByLayer(network.Layers).Run(input).ToArray());
    }

    [Fact]
    public void Digits_on_a_blank_background_give_the_reference_bits_once_the_batch_takes_the_GEMM()
    {
        // Zero margins and strokes, as MNIST's pictures have: the fused convolution skips the windows that see only
        // zeros. Small batches stream the affine weights (within float rounding), larger ones match bit for bit.
        Sequential network = SimpleConvNet.Create(seed: 4);
        TestModels.Randomize(network, seed: 4);
        var random = new Random(4);
        foreach (int batchSize in new[] { 1, 2, 3, 5, 100, 257 })
        {
            FloatTensor input = TestTensors.Uniform(random, batchSize, 1, 28, 28);
            Span<float> pixels = input.Span;
            for (int i = 0; i < pixels.Length; i++)
            {
                (int y, int x) = Math.DivRem(i % 784, 28);
                bool margin = y < 4 || y >= 24 || x < 4 || x >= 24;
                if (margin || pixels[i] < 0.2f)
                {
                    pixels[i] = 0f;
                }
            }

            float[] expected = InferencePlan.LayerByLayer(network.Layers).Run(input).ToArray();
            float[] actual = network.Predict(input).ToArray();
            if (batchSize > FusedAffine.MaxStreamedRows)
            {
                actual.Should().Equal(expected, $"batch {batchSize}");
                continue;
            }

            float scale = expected.Max(MathF.Abs);
            for (int index = 0; index < actual.Length; index++)
            {
                actual[index].Should().BeApproximately(expected[index], 1e-5f * scale, $"batch {batchSize}");
            }
        }
    }

    [Fact]
    public void Predict_never_returns_the_callers_storage_even_when_every_layer_is_left_out()
    {
        var network = new Sequential(new TensorShape(4), [new Dropout("dropout1", 0.5f, seed: 1)], new SoftmaxWithLoss());
        InferencePlan.Fused(network.Layers).StageNames.Should().BeEmpty();
        FloatTensor input = TestTensors.Uniform(new Random(1), 2, 4);
        FloatTensor output = network.Predict(input);
        output.ToArray().Should().Equal(input.ToArray());
        output.Span[0] = 42f;
        input.Span[0].Should().NotBe(42f);
    }

    [Fact]
    public void Threads_sharing_one_network_get_the_sequential_results()
    {
        Sequential network = Build("simple");
        FloatTensor[] inputs = [.. Enumerable.Range(0, 8).Select(index => TestTensors.Uniform(new Random(index), 1 + (index % 3 * 7), 1, 28, 28))];
        float[][] sequential = [.. inputs.Select(input => network.Predict(input).ToArray())];
        var concurrent = new float[inputs.Length][];
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 8 }, call =>
        {
            int index = call % inputs.Length;
            concurrent[index] = network.Predict(inputs[index]).ToArray();
        });
        for (int index = 0; index < inputs.Length; index++)
        {
            concurrent[index].Should().Equal(sequential[index], $"input {index}");
        }
    }

    private static Sequential Build(string name)
    {
        Sequential network = name switch
        {
            "simple" => SimpleConvNet.Create(seed: 1),
            "deep" => DeepConvNet.Create(seed: 1),
            "best" => BestConvNet.Create(seed: 1),
            "every layer" => TestModels.EveryLayer(seed: 1),
            "rectangular" => new SequentialBuilder(new TensorShape(2, 21, 19))
                .Convolution(7, kernelSize: (3, 5), stride: 1, padding: 1).Relu().MaxPool(2)
                .Convolution(6, kernelSize: (5, 2), stride: 2, padding: 2).Relu().MaxPool(2, padding: 1)
                .Convolution(5, kernelSize: (1, 3)).MaxPool((1, 2), stride: 1)
                .Flatten().Affine(4)
                .Build(new SoftmaxWithLoss(), seed: 1),
            _ => new SequentialBuilder(new TensorShape(2, 20, 18))
                .Convolution(5, kernelSize: 3).AveragePool(2)
                .Convolution(6, kernelSize: 3, padding: 1).LeakyRelu()
                .Convolution(7, kernelSize: 1).MaxPool(2).Relu()
                .Convolution(8, kernelSize: 2).Relu().MaxPool(2, stride: 1)
                .Flatten().Affine(12).Dropout(0.3f).Sigmoid()
                .Affine(9).Relu().Affine(4)
                .Build(new SoftmaxWithLoss(), seed: 1),
        };
        TestModels.Randomize(network, seed: 1);
        return network;
    }
}
