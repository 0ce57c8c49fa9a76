using ConvNet.Core.Data;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;
using ConvNet.Datasets;
using Spectre.Console;

namespace ConvNet.Mnist.Commands;

/// <summary><c>predict</c>: classifies one digit, from a picture file or from the MNIST test set.</summary>
internal sealed class PredictCommand : ICommand
{
    public string Name => "predict";

    public string Summary => "Read one digit (a picture, or a test image by index) and print what the model sees.";

    public IReadOnlyList<OptionHelp> Options { get; } =
    [
        new("model", "FILE", $"the model to use (default {RunFiles.DefaultModelPath})"),
        new("image", "FILE", "a PNG or JPEG of one digit, any size, dark on light or light on dark"),
        new("test-index", "I", "instead of --image: MNIST test image number I (0 to 9999)"),
        new(MnistData.FolderOption, "DIR", MnistData.FolderHelp + "; for --test-index"),
    ];

    public async Task<int> RunAsync(CommandLine commandLine, CancellationToken cancellation)
    {
        if (commandLine.Has("image") == commandLine.Has("test-index"))
        {
            throw new UsageException("Give either --image FILE or --test-index I.");
        }

        string modelPath = commandLine.GetExistingFile("model", RunFiles.DefaultModelPath);
        (FloatTensor digit, int? label) = commandLine.Has("image")
            ? (ReadPicture(commandLine.GetExistingFile("image")), null)
            : await ReadTestImageAsync(commandLine, cancellation).ConfigureAwait(false);
        INetwork network = ModelCatalog.Load(modelPath);

        float[] probabilities = Probabilities.Softmax(network.Predict(digit).ReadOnlySpan);
        int predicted = Array.IndexOf(probabilities, probabilities.Max());

        foreach (string line in TextArt.Render(digit.ReadOnlySpan, MnistDataset.ImageSize))
        {
            Console.WriteLine(line);
        }

        var chart = new BarChart().Width(60).WithMaxValue(1);
        for (int digitClass = 0; digitClass < probabilities.Length; digitClass++)
        {
            chart.AddItem($"{digitClass}", Math.Round(probabilities[digitClass], 4), digitClass == predicted ? Color.Green : Color.Grey);
        }

        AnsiConsole.Write(chart);
        if (label is { } known)
        {
            Console.WriteLine($"Label: {known}");
        }

        Console.WriteLine($"Predicted: {predicted}");
        return 0;
    }

    private static FloatTensor ReadPicture(string path)
    {
        (float[] luminance, int width, int height) = ImageFile.ReadGrayscale(path);
        return MnistImagePreprocessor.ToMnist(luminance, width, height);
    }

    private static async Task<(FloatTensor Digit, int? Label)> ReadTestImageAsync(CommandLine commandLine, CancellationToken cancellation)
    {
        int index = commandLine.GetInt("test-index", 0, minimum: 0, maximum: 9_999);
        MnistDataset mnist = await MnistData.LoadAsync(commandLine, cancellation).ConfigureAwait(false);
        return (mnist.Test.Inputs.SliceBatch(index, 1), mnist.Test.Labels[index]);
    }
}
