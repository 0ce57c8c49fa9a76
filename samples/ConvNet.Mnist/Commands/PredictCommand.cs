using System.CommandLine;
using System.Numerics.Tensors;
using ConvNet.Core.Models;
using ConvNet.Core.Tensors;
using ConvNet.Datasets;
using Spectre.Console;

namespace ConvNet.Mnist.Commands;

/// <summary><c>predict</c>: classifies one digit, from a picture file or from the MNIST test set.</summary>
internal sealed class PredictCommand : Command
{
    private readonly Option<string?> _model = SampleOptions.Path(
        "--model", "FILE", $"the model to use (default {RunFiles.DefaultModelPath})", alias: "-m");
    private readonly Option<string?> _image = SampleOptions.Path(
        "--image", "FILE", "a PNG or JPEG of one digit, any size, dark on light or light on dark", alias: "-i");
    private readonly Option<int?> _testIndex = SampleOptions.WholeNumber(
        "--test-index", "I", "instead of --image: MNIST test image number I (0 to 9999)", maximum: 9_999);
    private readonly Option<string?> _data = MnistData.CreateFolderOption("; for --test-index");

    public PredictCommand()
        : base("predict", "Read one digit (a picture, or a test image by index) and print what the model sees.")
    {
        Add(_model);
        Add(_image);
        Add(_testIndex);
        Add(_data);
        Validators.Add(result =>
        {
            if ((result.GetResult(_image) is null) == (result.GetResult(_testIndex) is null))
            {
                result.AddError("Give either --image FILE or --test-index I.");
            }
        });
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellation)
    {
        string modelPath = SampleOptions.ExistingFile(parse.GetValue(_model) ?? RunFiles.DefaultModelPath, _model.Name);
        (FloatTensor digit, int? label) = parse.GetValue(_image) is { } imagePath
            ? (ReadPicture(SampleOptions.ExistingFile(imagePath, _image.Name)), null)
            : await ReadTestImageAsync(parse.GetValue(_testIndex)!.Value, parse.GetValue(_data), cancellation).ConfigureAwait(false);
        Model model = Model.Load(modelPath);

        float[] probabilities = new float[model.Network.ClassCount];
        model.PredictProbabilities(digit.ReadOnlySpan, probabilities);
        int predicted = TensorPrimitives.IndexOfMax(probabilities);

        foreach (string line in TextArt.Render(digit.ReadOnlySpan, MnistDataset.ImageSize))
        {
            Console.WriteLine(line);
        }

        var chart = new BarChart().Width(60).WithMaxValue(1);
        for (int digitClass = 0; digitClass < probabilities.Length; digitClass++)
        {
            chart.AddItem(model.Labels[digitClass], Math.Round(probabilities[digitClass], 4), digitClass == predicted ? Color.Green : Color.Grey);
        }

        AnsiConsole.Write(chart);
        if (label is { } known)
        {
            Console.WriteLine($"Label: {known}");
        }

        Console.WriteLine($"Predicted: {model.Labels[predicted]}");
        return 0;
    }

    private static FloatTensor ReadPicture(string path)
    {
        (float[] luminance, int width, int height) = ImageFile.ReadGrayscale(path);
        return MnistImagePreprocessor.ToMnist(luminance, width, height);
    }

    private static async Task<(FloatTensor Digit, int? Label)> ReadTestImageAsync(int index, string? dataFolder, CancellationToken cancellation)
    {
        MnistDataset mnist = await MnistData.LoadAsync(dataFolder, cancellation).ConfigureAwait(false);
        return (mnist.Test.Inputs.SliceBatch(index, 1), mnist.Test.Labels[index]);
    }
}
