using ConvNet.Core.Models;
using ConvNet.Core.Networks;
using ConvNet.Core.Training;
using Microsoft.ML.OnnxRuntime;

namespace ConvNet.Onnx.Tests;

/// <summary>The README's "Serving at scale" code, as written there, classifies like the model it was exported from.</summary>
public sealed class ReadmeServingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("convnet-readme-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_five_lines_of_ONNX_Runtime_give_the_class_ConvNet_predicts()
    {
        var network = SimpleConvNet.Create(seed: 5);
        new Model(network, "digits").Save(Path.Combine(_folder, "model.safetensors"));
        string modelPath = Path.Combine(_folder, "model.onnx");
        OnnxExport.Save(Model.Load(Path.Combine(_folder, "model.safetensors")), modelPath);
        var images = SyntheticImages.Create(3, seed: 9).Inputs;
        int[] expected = Evaluation.PredictClasses(network, images);

        for (int item = 0; item < 3; item++)
        {
            float[] pixels = images.SliceBatch(item, 1).ToArray();

            // README, verbatim but for the file's path:
            using var session = new InferenceSession(modelPath);
            using var input = OrtValue.CreateTensorValueFromMemory(pixels, [1, 1, 28, 28]);   // float[784], values in [0, 1]
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, ["input"], [input], ["scores"]);
            int digit = outputs[0].GetTensorDataAsSpan<float>().ToArray().Index().MaxBy(score => score.Item).Index;

            digit.Should().Be(expected[item]);
        }
    }
}
