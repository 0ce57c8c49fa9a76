using System.CommandLine;
using System.Globalization;
using ConvNet.Core.Models;
using ConvNet.Core.Tensors;
using ConvNet.Datasets;
using ConvNet.Datasets.Images;
using Spectre.Console;

namespace ConvNet.Mnist.Commands;

/// <summary>
/// <c>predict</c>: classifies one picture, or one MNIST/Fashion-MNIST test image by index, and prints each class's
/// probability and <c>Predicted: Sneaker (0.97)</c>. The model file says how to read the picture: a digit model
/// through <see cref="MnistImagePreprocessor"/> (whose stages <c>--show-steps</c> draws), a Fashion-MNIST model as a
/// grey 28×28 picture shown light on black, a model trained on an image folder through the
/// <see cref="ImageTransform"/> it was trained with.
/// </summary>
internal sealed class PredictCommand : Command
{
    private readonly Option<string?> _model = SampleOptions.Path(
        "--model", "FILE", $"the model to use (default {RunFiles.DefaultModelPath})", alias: "-m");
    private readonly Option<string?> _image = SampleOptions.Path(
        "--image", "FILE", "a PNG or JPEG of any size: a digit (dark on light or light on dark, or a photo of one on paper), a garment, or a picture like the model's training pictures", alias: "-i");
    private readonly Option<int?> _testIndex = SampleOptions.WholeNumber(
        "--test-index", "I", "instead of --image: test image number I (0 to 9999) of the model's dataset", maximum: 9_999);
    private readonly Option<string?> _data = MnistData.CreateFolderOption("; for --test-index");
    private readonly Option<string?> _showSteps = new("--show-steps")
    {
        Description = $"with --image and a digit model: draw the preprocessing stages (input, paper divided out, ink, crop, deskewed, 28×28) into a PNG (default {RunFiles.DefaultFolder}/NAME-steps.png)",
        HelpName = "PNG",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public PredictCommand()
        : base("predict", "Classify one picture (or a test image by index) and print what the model sees.")
    {
        Add(_model);
        Add(_image);
        Add(_testIndex);
        Add(_data);
        Add(_showSteps);
        Validators.Add(result =>
        {
            if ((result.GetResult(_image) is null) == (result.GetResult(_testIndex) is null))
            {
                result.AddError("Give either --image FILE or --test-index I.");
            }

            if (result.GetResult(_showSteps) is not null && result.GetResult(_image) is null)
            {
                result.AddError("--show-steps draws the stages of an --image FILE.");
            }
        });
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellation)
    {
        string modelPath = SampleOptions.ExistingFile(parse.GetValue(_model) ?? RunFiles.DefaultModelPath, _model.Name);
        Model model = Model.Load(modelPath);
        string dataset = model.Properties.GetValueOrDefault(DatasetNames.PropertyKey, DatasetNames.Mnist);
        (FloatTensor input, int? label) = parse.GetValue(_image) is { } imagePath
            ? (ReadPicture(model, dataset, SampleOptions.ExistingFile(imagePath, _image.Name), StepsPath(parse, imagePath)), null)
            : await ReadTestImageAsync(dataset, parse.GetValue(_testIndex)!.Value, parse.GetValue(_data), cancellation).ConfigureAwait(false);

        float[] probabilities = model.PredictProbabilities(input).ToArray();
        ClassScore best = model.PredictTopK(input, k: 1)[0][0];
        TensorShape shape = input.Shape;
        if (shape[1] == 1 && shape[2] == shape[3] && shape[3] <= 32)
        {
            foreach (string line in TextArt.Render(input.ReadOnlySpan, shape[3]))
            {
                Console.WriteLine(line);
            }
        }

        var chart = new BarChart().Width(60).WithMaxValue(1);
        for (int classIndex = 0; classIndex < probabilities.Length; classIndex++)
        {
            chart.AddItem(Markup.Escape(model.Labels[classIndex]), Math.Round(probabilities[classIndex], 4), classIndex == best.ClassIndex ? Color.Green : Color.Grey);
        }

        AnsiConsole.Write(chart);
        if (label is { } known)
        {
            Console.WriteLine($"Label: {model.Labels[known]}");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Predicted: {best.Label} ({best.Probability:0.00})"));
        return 0;
    }

    /// <summary>Where <c>--show-steps</c> draws the stages of <paramref name="imagePath"/>, or null without the option.</summary>
    private string? StepsPath(ParseResult parse, string imagePath) =>
        parse.GetResult(_showSteps) is null
            ? null
            : parse.GetValue(_showSteps) ?? Path.Combine(RunFiles.DefaultFolder, Path.GetFileNameWithoutExtension(imagePath) + "-steps.png");

    private static FloatTensor ReadPicture(Model model, string dataset, string path, string? stepsPath)
    {
        bool digitModel = !model.Properties.ContainsKey(ImageTransform.PropertyKey) && dataset != DatasetNames.FashionMnist;
        if (stepsPath is not null && !digitModel)
        {
            throw new UsageException("--show-steps draws how a digit is found in a picture; this model reads its pictures whole (no digit stages to draw).");
        }

        if (model.Properties.TryGetValue(ImageTransform.PropertyKey, out string? transform))
        {
            return ImageTransform.FromJson(transform).ReadFile(path);
        }

        if (dataset == DatasetNames.FashionMnist)
        {
            // Fashion-MNIST shows each garment light on a black background: a photo on white paper is turned over.
            FloatTensor garment = new ImageTransform(MnistDataset.ImageSize, MnistDataset.ImageSize, ImageColorMode.Grayscale).ReadFile(path);
            foreach (ref float pixel in garment.Span)
            {
                pixel = 1f - pixel;
            }

            return garment;
        }

        (float[] luminance, int width, int height) = ImageFile.ReadGrayscale(path);
        if (stepsPath is null)
        {
            return MnistImagePreprocessor.ToMnist(luminance, width, height);
        }

        MnistPreprocessingSteps steps = MnistImagePreprocessor.ToMnistWithSteps(luminance, width, height);
        StepsStrip.Save(stepsPath, steps, steps.DigitFound ? Path.GetFileName(path) : $"{Path.GetFileName(path)}: no digit found");
        Console.WriteLine($"Stages: {stepsPath}");
        return steps.DigitFound
            ? steps.Result
            : throw new NoDigitFoundException($"No digit found in {path}: nothing stands out from the paper as a digit (the stages are in {stepsPath}).");
    }

    private static async Task<(FloatTensor Image, int? Label)> ReadTestImageAsync(string dataset, int index, string? dataFolder, CancellationToken cancellation)
    {
        if (!DatasetNames.BuiltIn.Contains(dataset))
        {
            throw new UsageException("--test-index reads MNIST or Fashion-MNIST; this model was trained on an image folder: give --image FILE.");
        }

        MnistDataset images = await DatasetNames.LoadAsync(dataset, dataFolder, cancellation).ConfigureAwait(false);
        return (images.Test.Inputs.SliceBatch(index, 1), images.Test.Labels[index]);
    }
}
