using System.Runtime.InteropServices;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Optimizers;
using ConvNet.Core.Tests.Data;
using ConvNet.Core.Training;
using Xunit.Abstractions;

namespace ConvNet.Onnx.Tests;

/// <summary>
/// A model trained and exported by PyTorch (Fixtures/make_torch_fixture.py: conv, batch norm, ReLU, max pool, conv
/// without bias, leaky ReLU, average pool, flatten, linear, batch norm on rows, tanh, dropout, linear, softmax)
/// imports into a network that scores the real MNIST test images as PyTorch did, and trains further. PyTorch's export
/// folds the first batch norm into conv1, leaves the dropout out, and writes the average pool as a zero Pad and an
/// AveragePool: the importer meets Conv with and without bias, Gemm with transB = 1, a Constant, a Pad and a last Softmax.
/// </summary>
[Trait("Category", "Integration")]
public sealed class TorchFixtureTests(ITestOutputHelper output)
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    private static string ModelPath => Path.Combine(Fixtures, "torch_small_cnn.onnx");

    [Fact]
    public void The_PyTorch_export_becomes_the_expected_stack_of_layers()
    {
        Sequential network = OnnxImport.Load(ModelPath);

        network.Layers.Select(layer => layer.Name).Should().Equal(
            "conv1", "relu1", "pool1", "conv2", "leakyrelu1", "pool2", "flatten1", "affine1", "bn1", "tanh1", "affine2");
        network.Layers.OfType<LeakyRelu>().Single().Slope.Should().Be(0.1f);
        network.Layers.OfType<BatchNormalization>().Single().FeatureCount.Should().Be(64);
        network.Layers.OfType<Pooling>().Select(pooling => pooling.Mode).Should().Equal(PoolingMode.Max, PoolingMode.Average);
        network.ClassCount.Should().Be(10);
        OnnxImport.LoadModel(ModelPath).Name.Should().Be("torch_jit", "a model from elsewhere is named after its graph");
    }

    [Fact]
    public async Task The_imported_network_scores_real_test_images_as_PyTorch_did()
    {
        var mnist = await TestData.MnistAsync();
        Sequential network = OnnxImport.Load(ModelPath);
        float[] torchScores = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(Fixtures, "torch_small_cnn.logits100.f32"))).ToArray();
        int[] torchClasses = [.. File.ReadAllBytes(Path.Combine(Fixtures, "torch_small_cnn.classes10k.u8")).Select(value => (int)value)];

        float[] scores = network.Predict(mnist.Test.Inputs.SliceBatch(0, 100)).ToArray();
        int[] classes = Evaluation.PredictClasses(network, mnist.Test.Inputs);

        double difference = Scores.MaxRelativeDifference(scores, torchScores, 10);
        output.WriteLine($"largest relative difference from PyTorch's scores: {difference:E2}");
        difference.Should().BeLessThan(1e-5);
        classes.Should().Equal(torchClasses);
        Evaluation.Accuracy(classes, mnist.Test.LabelSpan).Should().BeGreaterThan(0.95, "PyTorch trained it for an epoch");
    }

    [Fact]
    public async Task The_imported_network_fine_tunes_on_MNIST()
    {
        var mnist = await TestData.MnistAsync();
        Sequential network = OnnxImport.Load(ModelPath, seed: 1);
        var evaluation = mnist.Test.Take(2000);
        float lossBefore = network.Loss(evaluation.Inputs, evaluation.LabelSpan);

        new Trainer(network, new Adam(network, 5e-4f), new TrainerOptions { BatchSize = 100, Iterations = 100, Seed = 1 }).Train(mnist.Train);

        float lossAfter = network.Loss(evaluation.Inputs, evaluation.LabelSpan);
        output.WriteLine($"test loss on 2,000 images: {lossBefore:F4} as imported, {lossAfter:F4} after 100 more steps");
        lossAfter.Should().BeLessThan(lossBefore, "more training on MNIST lowers the test loss of a one-epoch model");
    }
}
