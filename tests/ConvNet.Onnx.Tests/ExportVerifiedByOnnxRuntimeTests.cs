using ConvNet.Core.Networks;
using ConvNet.Core.Optimizers;
using ConvNet.Core.Tensors;
using ConvNet.Core.Tests.Data;
using ConvNet.Core.Training;
using Xunit.Abstractions;

namespace ConvNet.Onnx.Tests;

/// <summary>Exported networks run in ONNX Runtime on real MNIST test images and score like ConvNet's own Predict.</summary>
[Trait("Category", "Integration")]
public sealed class ExportVerifiedByOnnxRuntimeTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string> Networks => new(ModelCatalog.Simple, ModelCatalog.Deep, ModelCatalog.Best, "every-layer", "rectangular-padded");

    [Theory]
    [MemberData(nameof(Networks))]
    public async Task Onnx_Runtime_scores_real_test_images_like_Predict_at_batch_100_and_batch_1(string name)
    {
        var mnist = await TestData.MnistAsync();
        INetwork network = TestNetworks.Create(name);
        TestNetworks.TrainBriefly(network, mnist.Train.Take(1000));
        FloatTensor images = mnist.Test.Inputs.SliceBatch(0, 100);

        // All graph optimizations on: a zero-padded max pool is exported in a form ONNX Runtime's Pad fusion leaves alone.
        using var ort = new OrtRunner(Export(network));
        float[] expected = network.Predict(images).ToArray();
        float[] batched = ort.Run(images);
        float[] single = ort.RunInBatches(images.SliceBatch(0, 10), batchSize: 1);

        double batchedDifference = Scores.MaxRelativeDifference(batched, expected, 10);
        double singleDifference = Scores.MaxRelativeDifference(single, expected.AsSpan(0, 100), 10);
        output.WriteLine($"{name}: largest relative difference {batchedDifference:E2} at batch 100, {singleDifference:E2} at batch 1");
        batchedDifference.Should().BeLessThan(Tolerance, $"{name} at batch 100");
        singleDifference.Should().BeLessThan(Tolerance, $"{name} at batch 1");
    }

    [Fact]
    public async Task A_trained_SimpleConvNet_classifies_all_10000_test_images_exactly_as_Onnx_Runtime_does()
    {
        var mnist = await TestData.MnistAsync();
        var network = SimpleConvNet.Create(seed: 1);
        new Trainer(network, new Adam(network, 0.001f), new TrainerOptions { BatchSize = 100, Iterations = 150, Seed = 1 }).Train(mnist.Train);

        using var ort = new OrtRunner(Export(network));
        int[] convNetClasses = Evaluation.PredictClasses(network, mnist.Test.Inputs);
        int[] ortClasses = Scores.ArgMax(ort.RunInBatches(mnist.Test.Inputs, batchSize: 500), 10);

        Evaluation.Accuracy(convNetClasses, mnist.Test.LabelSpan).Should().BeGreaterThan(0.9, "the network is trained, not random");
        ortClasses.Should().Equal(convNetClasses);
    }

    [Fact]
    public async Task A_zero_padded_max_pool_scores_like_Predict_in_Onnx_Runtime_with_or_without_graph_optimizations()
    {
        // Exported as MaxPool with its own (−∞) pads, then Max by a border mask of zeros (MaxPoolBorder). The obvious
        // form, a Pad by zeros then an unpadded MaxPool, is what ONNX Runtime's Pad fusion (a basic optimization)
        // silently turns into −∞ padding. Shifting the images below zero makes every border window negative, so a
        // −∞-padded pool would score differently.
        var mnist = await TestData.MnistAsync();
        INetwork network = TestNetworks.Create("rectangular-padded");
        FloatTensor images = mnist.Test.Inputs.SliceBatch(0, 100);
        float[] shifted = images.ToArray().Select(value => value - 1f).ToArray();
        images = new FloatTensor(images.Shape, shifted);
        byte[] model = Export(network);
        float[] expected = network.Predict(images).ToArray();

        using var asWritten = new OrtRunner(model, optimize: false);
        using var optimized = new OrtRunner(model);

        Scores.MaxRelativeDifference(asWritten.Run(images), expected, 10).Should().BeLessThan(Tolerance);
        Scores.MaxRelativeDifference(optimized.Run(images), expected, 10).Should().BeLessThan(Tolerance);
    }

    private static byte[] Export(INetwork network)
    {
        using var stream = new MemoryStream();
        OnnxExport.Save(network, stream);
        return stream.ToArray();
    }
}
