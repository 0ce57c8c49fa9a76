using System.CommandLine;
using ConvNet.Core.Data;
using ConvNet.Core.Models;
using ConvNet.Core.Training;
using ConvNet.Datasets;
using ConvNet.Datasets.Images;
using Spectre.Console;

namespace ConvNet.Mnist.Commands;

/// <summary>
/// <c>evaluate</c>: test accuracy, confusion matrix (with class names) and, for 28×28 grey models, a PNG grid of the
/// misclassified test images of a saved model — on the test set of the dataset it was trained on, or for a model
/// trained on an image folder, on every picture of <c>--images DIR</c> (a test folder laid out the same way).
/// </summary>
internal sealed class EvaluateCommand : Command
{
    /// <summary>The grid shows at most this many misclassified images.</summary>
    private const int MaxGridImages = 100;

    private readonly Option<string?> _model = SampleOptions.Path(
        "--model", "FILE", $"the model to evaluate (default {RunFiles.DefaultModelPath})", alias: "-m");
    private readonly Option<int?> _testSize = SampleOptions.WholeNumber(
        "--test-size", "N", "use the first N test images (default all 10000)", minimum: 1);
    private readonly Option<string?> _output = SampleOptions.Path(
        "--output", "FILE", $"where to write the misclassified-image grid (default {RunFiles.MisclassifiedFileName} beside the model)", alias: "-o");
    private readonly Option<string?> _images = SampleOptions.Path(
        "--images", "DIR", "for a model trained on an image folder: a folder of test pictures, one sub-folder per class");
    private readonly Option<bool> _strict = new("--strict")
    {
        Description = "with --images: stop at the first picture that cannot be read, instead of skipping it with a warning",
    };
    private readonly Option<string?> _data = MnistData.CreateFolderOption();

    public EvaluateCommand()
        : base("evaluate", "Score a saved model on its test set: accuracy, confusion matrix, misclassified images.")
    {
        Add(_model);
        Add(_testSize);
        Add(_output);
        Add(_images);
        Add(_strict);
        Add(_data);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellation)
    {
        string modelPath = SampleOptions.ExistingFile(parse.GetValue(_model) ?? RunFiles.DefaultModelPath, _model.Name);
        string gridPath = OutputPaths.CheckPngFile(
            parse.GetValue(_output) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, RunFiles.MisclassifiedFileName),
            _output.Name,
            (modelPath, _model.Name));
        Model model = Model.Load(modelPath);
        LabeledDataset test = model.Properties.TryGetValue(ImageTransform.PropertyKey, out string? transform)
            ? LoadTestFolder(model, ImageTransform.FromJson(transform), parse.GetValue(_images), parse.GetValue(_strict), cancellation)
            : await LoadTestSetAsync(model, parse, cancellation).ConfigureAwait(false);

        TestScore score = TestScore.Of(model.Network, test);
        AnsiConsole.Write(ConfusionTable.Create(ConfusionMatrix.Compute(model.Network, test), model.Labels));
        if (model.Network.InputShape == new Core.Tensors.TensorShape(1, MnistDataset.ImageSize, MnistDataset.ImageSize))
        {
            List<GridTile> misclassified = Misclassified(test, score.Predictions);
            int shown = Math.Min(misclassified.Count, MaxGridImages);
            string title = $"Misclassified test images, true → predicted class (first {shown} of {misclassified.Count})";
            DigitGrid.Save(gridPath, title, misclassified.Take(shown).ToList());
            AnsiConsole.MarkupLineInterpolated($"{misclassified.Count} misclassified; the first {shown} are in [bold]{gridPath}[/].");
        }

        Console.WriteLine(score.Line("test"));
        return 0;
    }

    private async Task<LabeledDataset> LoadTestSetAsync(Model model, ParseResult parse, CancellationToken cancellation)
    {
        string dataset = model.Properties.GetValueOrDefault(DatasetNames.PropertyKey, DatasetNames.Mnist);
        MnistDataset images = await DatasetNames.LoadAsync(dataset, parse.GetValue(_data), cancellation).ConfigureAwait(false);
        return MnistData.TakeFirst(images.Test, parse.GetValue(_testSize), _testSize.Name);
    }

    /// <summary>Every picture of <paramref name="folder"/>, read as the model's training pictures were.</summary>
    private static LabeledDataset LoadTestFolder(Model model, ImageTransform transform, string? folder, bool strict, CancellationToken cancellation)
    {
        if (folder is null)
        {
            throw new UsageException("This model was trained on an image folder: give --images DIR, a folder of test pictures laid out the same way.");
        }

        var options = new ImageFolderOptions
        {
            Width = transform.Width,
            Height = transform.Height,
            Color = transform.Color,
            Resize = transform.Resize,
            Normalize = transform.Normalization is not null,
            Normalization = transform.Normalization,
            ValidationFraction = 0,
            Strict = strict,
        };
        var log = new SynchronousProgress<string>(line => AnsiConsole.MarkupLineInterpolated($"[grey]{line}[/]"));
        ImageFolderDataset images = ImageFolderDataset.Load(folder, options, log, cancellation);
        if (!images.ClassNames.SequenceEqual(model.Labels))
        {
            throw new InvalidDataException(
                $"The folder's classes ({string.Join(", ", images.ClassNames)}) differ from the model's ({string.Join(", ", model.Labels)}).");
        }

        return images.Train;
    }

    private static List<GridTile> Misclassified(LabeledDataset test, int[] predictions)
    {
        var tiles = new List<GridTile>();
        for (int i = 0; i < test.Count; i++)
        {
            if (predictions[i] != test.Labels[i])
            {
                tiles.Add(new GridTile(test.Inputs.SliceBatch(i, 1).ToArray(), $"{test.Labels[i]} → {predictions[i]}"));
            }
        }

        return tiles;
    }
}
