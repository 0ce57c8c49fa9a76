using ConvNet.Core.Layers;
using ConvNet.Core.Models;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;
using ConvNet.Mnist;

namespace ConvNet.Mnist.Tests;

/// <summary>The sample's commands end to end on a small slice of real MNIST (fetched like a user would).</summary>
[Trait("Category", "Integration")]
public sealed class SampleCommandsTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G'];

    private readonly string _folder = Directory.CreateTempSubdirectory("convnet-sample-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task TrainThenEvaluateThenPredict_WriteTheirFilesAndSucceed()
    {
        string model = Path.Combine(_folder, RunFiles.ModelFileName);

        (await RunAsync("train", "--train-size", "1000", "--test-size", "200", "--epochs", "1", "--output", _folder)).Should().Be(0);
        File.Exists(model).Should().BeTrue();
        File.ReadAllBytes(Path.Combine(_folder, RunFiles.CurveFileName)).Should().StartWith(PngSignature);

        (await RunAsync("evaluate", "--model", model, "--test-size", "200")).Should().Be(0);
        File.ReadAllBytes(Path.Combine(_folder, RunFiles.MisclassifiedFileName)).Should().StartWith(PngSignature);

        (await RunAsync("predict", "--model", model, "--test-index", "0")).Should().Be(0);
    }

    [Fact]
    public async Task EvaluateAndPredict_TakeTheModelFileOfAnyNetwork()
    {
        string model = Path.Combine(_folder, "custom.safetensors");
        Sequential network = new SequentialBuilder(new TensorShape(1, 28, 28))
            .Convolution(4, kernelSize: 3).BatchNormalization().Relu().AveragePool(2).Affine(10)
            .Build(new SoftmaxWithLoss(), seed: 1);
        string[] names = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
        new Model(network, "custom") { ClassNames = names }.Save(model);

        (await RunAsync("evaluate", "--model", model, "--test-size", "100")).Should().Be(0);
        (await RunAsync("predict", "--model", model, "--test-index", "3")).Should().Be(0);
    }

    [Fact]
    public async Task Mistakes_EndWithUsageOrFailureExitCodes()
    {
        string notAnImage = Path.Combine(_folder, "notes.png");
        await File.WriteAllTextAsync(notAnImage, "not a picture");

        (await RunAsync("train", "--epochs", "0")).Should().Be(2);
        (await RunAsync("fly")).Should().Be(2);
        (await RunAsync("bench", "--steps", "0")).Should().Be(2);
        (await RunAsync("evaluate", "--model", Path.Combine(_folder, "missing.safetensors"))).Should().Be(1);
        (await RunAsync("evaluate", "--model", notAnImage)).Should().Be(1, "a file that is no checkpoint is refused");
        (await RunAsync("predict", "--model", notAnImage, "--image", notAnImage)).Should().Be(1);
    }

    private static Task<int> RunAsync(params string[] args) => CommandRunner.RunAsync(args);
}
