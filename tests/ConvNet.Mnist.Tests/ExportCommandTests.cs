using ConvNet.Core.Models;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;
using ConvNet.Mnist;
using ConvNet.Onnx;

namespace ConvNet.Mnist.Tests;

/// <summary><c>export</c> turns a saved model file into an ONNX file that scores like the model.</summary>
public sealed class ExportCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("convnet-export-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Export_WritesAnOnnxFileBesideTheModelThatScoresLikeIt()
    {
        string modelPath = Path.Combine(_folder, "model.safetensors");
        var network = SimpleConvNet.Create(seed: 3);
        new Model(network, "digits").Save(modelPath);

        (await CommandRunner.RunAsync(["export", "--model", modelPath, "--probabilities"])).Should().Be(0);

        Model exported = OnnxImport.LoadModel(Path.Combine(_folder, "model.onnx"));
        exported.Name.Should().Be("digits");
        var image = new FloatTensor(1, 1, 28, 28);
        image.Span.Fill(0.5f);
        exported.Network.Predict(image).ToArray().Should().Equal(network.Predict(image).ToArray());
    }

    [Fact]
    public async Task Export_OfAMissingModelOrIntoAMissingFolder_Fails()
    {
        string modelPath = Path.Combine(_folder, "model.safetensors");
        (await CommandRunner.RunAsync(["export", "--model", modelPath])).Should().Be(CommandRunner.FailureExitCode);

        new Model(SimpleConvNet.Create(seed: 3), "digits").Save(modelPath);
        string intoMissingFolder = Path.Combine(_folder, "missing", "model.onnx");
        (await CommandRunner.RunAsync(["export", "--model", modelPath, "--onnx", intoMissingFolder])).Should().Be(CommandRunner.FailureExitCode);
        File.Exists(intoMissingFolder).Should().BeFalse();
    }
}
