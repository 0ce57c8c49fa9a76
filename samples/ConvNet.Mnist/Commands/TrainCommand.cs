using System.CommandLine;
using ConvNet.Core.Data;
using ConvNet.Core.Models;
using ConvNet.Core.Networks;
using ConvNet.Core.Optimizers;
using ConvNet.Core.Training;
using ConvNet.Datasets;
using ConvNet.Datasets.Images;
using Spectre.Console;

namespace ConvNet.Mnist.Commands;

/// <summary>
/// <c>train</c>: trains a network on MNIST, Fashion-MNIST (<c>--dataset</c>) or a folder of your own pictures
/// (<c>--images</c>) with a progress bar, prints one line per epoch, saves the model (with its class names) and the
/// learning curve, and ends with the confusion matrix and the test (or validation) accuracy. It starts from the
/// library's recipe for the data and model (<see cref="ModelCatalog.CreateRecipe"/>, <see cref="FashionMnist.CreateRecipe"/>,
/// <see cref="ImageFolderDataset.CreateRecipe"/>); each option given overrides one part of it.
/// </summary>
internal sealed class TrainCommand : Command
{
    /// <summary>Per-epoch training accuracy is measured on at most this many training images, to keep epochs short.</summary>
    private const int TrainEvaluationSize = 10_000;

    private static readonly string[] Schedules = ["cosine", "one-cycle", "constant"];
    private static readonly string[] Colors = ["rgb", "grayscale"];
    private static readonly string[] OnOff = ["on", "off"];

    private readonly Option<string?> _model = SampleOptions.Choice(
        "--model", ModelCatalog.Names, "the network to train (default simple: the seed's SimpleConvNet; for fashion-mnist its recipe's wide network; best for --images)", alias: "-m");
    private readonly Option<string?> _dataset = SampleOptions.Choice(
        "--dataset", DatasetNames.BuiltIn, $"the built-in dataset (default mnist; fashion-mnist reads --data or {MnistDataset.DebianFashionMnistFolder})");
    private readonly Option<string?> _images = SampleOptions.Path(
        "--images", "DIR", "train on your own pictures instead: one sub-folder per class (PNG, JPEG, BMP, GIF, TGA), 20 % of each held out for validation");
    private readonly Option<int?> _imageSize = SampleOptions.WholeNumber(
        "--image-size", "N", "with --images: the network sees N × N pixels (default 32)", minimum: 8, maximum: 512);
    private readonly Option<string?> _color = SampleOptions.Choice("--color", Colors, "with --images: read pictures as rgb (default) or grayscale");
    private readonly Option<bool> _strict = new("--strict")
    {
        Description = "with --images: stop at the first picture that cannot be read, instead of skipping it with a warning",
    };
    private readonly Option<string?> _flip = SampleOptions.Choice(
        "--flip", OnOff, "mirror training images left to right at random (default on for fashion-mnist and --images, off for digits)");
    private readonly Option<int?> _epochs = SampleOptions.WholeNumber(
        "--epochs", "N", "passes over the training images (default: the recipe's, 10 for simple)", minimum: 1, maximum: 10_000, alias: "-e");
    private readonly Option<int?> _iterations = SampleOptions.WholeNumber(
        "--iterations", "N", "train for exactly N mini-batch steps instead of whole epochs", minimum: 1, maximum: 10_000_000);
    private readonly Option<int?> _batchSize = SampleOptions.WholeNumber(
        "--batch-size", "N", "images per mini-batch (default 100; 32 for --images)", minimum: 1, maximum: RunFiles.MaxBatchSize, alias: "-b");
    private readonly Option<string?> _optimizer = SampleOptions.Choice("--optimizer", OptimizerChoice.Names, "the optimizer (default adam)");
    private readonly Option<float?> _learningRate = SampleOptions.PositiveNumber(
        "--lr", "RATE", "learning rate (default: the recipe's, 0.001 for simple)");
    private readonly Option<string?> _schedule = SampleOptions.Choice(
        "--schedule", Schedules, "cosine (decay the rate to 0 over the run), one-cycle (warm up to the rate, then decay) or constant, as in the seed (default: the recipe's)");
    private readonly Option<int?> _trainSize = SampleOptions.WholeNumber(
        "--train-size", "N", "train on the first N training images (default all 60000)", minimum: 1);
    private readonly Option<int?> _testSize = SampleOptions.WholeNumber(
        "--test-size", "N", "test on the first N test images (default all 10000)", minimum: 1);
    private readonly Option<int?> _seed = SampleOptions.WholeNumber("--seed", "N", "seed of the weights, the shuffles and the split (default 1)", alias: "-s");
    private readonly Option<string?> _data = MnistData.CreateFolderOption();
    private readonly Option<string?> _output = SampleOptions.Path(
        "--output", "DIR", $"where to write {RunFiles.ModelFileName} and {RunFiles.CurveFileName} (default {RunFiles.DefaultFolder})", alias: "-o");

    public TrainCommand()
        : base("train", "Train a network on MNIST, Fashion-MNIST or your own pictures; save the model and its learning curve.")
    {
        Add(_model);
        Add(_dataset);
        Add(_images);
        Add(_imageSize);
        Add(_color);
        Add(_strict);
        Add(_flip);
        Add(_epochs);
        Add(_iterations);
        Add(_batchSize);
        Add(_optimizer);
        Add(_learningRate);
        Add(_schedule);
        Add(_trainSize);
        Add(_testSize);
        Add(_seed);
        Add(_data);
        Add(_output);
        Validators.Add(result =>
        {
            if (result.GetResult(_images) is not null && result.GetResult(_dataset) is not null)
            {
                result.AddError("Give --images DIR or --dataset NAME, not both.");
            }
        });

        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellation)
    {
        // Checked now, not after the training it would throw away.
        string outputFolder = OutputPaths.PrepareFolder(parse.GetValue(_output) ?? RunFiles.DefaultFolder, _output.Name);
        int seed = parse.GetValue(_seed) ?? 1;
        TrainingSet data = parse.GetValue(_images) is { } folder
            ? LoadFolder(parse, folder, seed, cancellation)
            : await LoadBuiltInAsync(parse, seed, cancellation).ConfigureAwait(false);
        TrainingRecipe recipe = data.Recipe;
        IOptimizer optimizer = ChooseOptimizer(parse, recipe);
        TrainerOptions options = recipe.Options with
        {
            Epochs = parse.GetValue(_epochs) ?? recipe.Options.Epochs,
            // --epochs replaces a recipe's step count too (Iterations would override it).
            Iterations = parse.GetValue(_iterations) ?? (parse.GetValue(_epochs) is null ? recipe.Options.Iterations : null),
            BatchSize = parse.GetValue(_batchSize) ?? recipe.Options.BatchSize,
            Schedule = ChooseSchedule(parse.GetValue(_schedule), recipe.Options.Schedule),
            Augmentation = ChooseAugmentation(parse.GetValue(_flip), recipe.Options.Augmentation, seed),
            TrainEvaluationSize = Math.Min(data.Train.Count, TrainEvaluationSize),
        };
        var trainer = new Trainer(recipe.Network, optimizer, options);

        AnsiConsole.MarkupLineInterpolated(
            $"Training [bold]{recipe.ModelName}[/] on {data.Title} with {optimizer.GetType().Name} (lr {optimizer.LearningRate}, {ScheduleName(options.Schedule)}), batch {options.BatchSize}, on {data.Train.Count} images; {data.TestName} on {data.Test.Count}.");
        TrainingHistory history = TrainingProgressView.Run(trainer, data.Train, data.Test, data.TestName, cancellation);

        TestScore score = TestScore.Of(recipe.Network, data.Test);
        string modelPath = Path.Combine(outputFolder, RunFiles.ModelFileName);
        string curvePath = Path.Combine(outputFolder, RunFiles.CurveFileName);
        var model = new Model(recipe.Network, $"{data.DatasetName}-{recipe.ModelName}")
        {
            ClassNames = data.ClassNames,
            TestAccuracy = data.Transform is null ? score.Accuracy : null,
            Properties = data.Properties,
        };
        model.Save(modelPath);
        LearningCurveChart.Save(curvePath, $"{recipe.ModelName} network on {data.Title}", history.TrainAccuracies, history.TestAccuracies, data.TestName);
        AnsiConsole.MarkupLineInterpolated($"Saved the model to [bold]{modelPath}[/] and the learning curve to [bold]{curvePath}[/].");

        AnsiConsole.Write(ConfusionTable.Create(ConfusionMatrix.Compute(recipe.Network, data.Test), model.Labels));
        Console.WriteLine(TrainingProgressView.TimeLine(history.Epochs));
        Console.WriteLine(score.Line(data.TestName));
        return 0;
    }

    private async Task<TrainingSet> LoadBuiltInAsync(ParseResult parse, int seed, CancellationToken cancellation)
    {
        string dataset = parse.GetValue(_dataset) ?? DatasetNames.Mnist;
        string? modelName = parse.GetValue(_model);
        TrainingRecipe recipe = dataset == DatasetNames.FashionMnist && modelName is null
            ? FashionMnist.CreateRecipe(seed)
            : ModelCatalog.CreateRecipe(modelName ?? ModelCatalog.Simple, seed);
        MnistDataset images = await DatasetNames.LoadAsync(dataset, parse.GetValue(_data), cancellation).ConfigureAwait(false);
        return new TrainingSet(
            dataset,
            DatasetNames.Title(dataset),
            recipe,
            MnistData.TakeFirst(images.Train, parse.GetValue(_trainSize), _trainSize.Name),
            MnistData.TakeFirst(images.Test, parse.GetValue(_testSize), _testSize.Name),
            "test",
            dataset == DatasetNames.FashionMnist ? FashionMnist.ClassNames : null,
            null);
    }

    private TrainingSet LoadFolder(ParseResult parse, string folder, int seed, CancellationToken cancellation)
    {
        int size = parse.GetValue(_imageSize) ?? 32;
        var options = new ImageFolderOptions
        {
            Width = size,
            Height = size,
            Color = parse.GetValue(_color) == "grayscale" ? ImageColorMode.Grayscale : ImageColorMode.Rgb,
            Seed = seed,
            Strict = parse.GetValue(_strict),
        };
        var log = new SynchronousProgress<string>(line =>
            AnsiConsole.MarkupLine($"[{(line.StartsWith("warning:", StringComparison.Ordinal) ? "yellow" : "grey")}]{Markup.Escape(line)}[/]"));
        ImageFolderDataset images = ImageFolderDataset.Load(folder, options, log, cancellation);
        LabeledDataset validation = images.Validation
            ?? throw new InvalidDataException($"The image folder '{folder}' has too few pictures per class to hold any out for validation.");
        AnsiConsole.MarkupLineInterpolated($"[grey]Classes: {string.Join(", ", images.ClassNames)}; normalization {images.Transform.Normalization}.[/]");
        return new TrainingSet(
            DatasetNames.Images,
            Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))),
            images.CreateRecipe(seed, parse.GetValue(_model) ?? ModelCatalog.Best),
            MnistData.TakeFirst(images.Train, parse.GetValue(_trainSize), _trainSize.Name),
            validation,
            "validation",
            images.ClassNames,
            images.Transform);
    }

    /// <summary>The recipe's optimizer, or the one <c>--optimizer</c>/<c>--lr</c> ask for over the same parameters.</summary>
    private IOptimizer ChooseOptimizer(ParseResult parse, TrainingRecipe recipe)
    {
        string? name = parse.GetValue(_optimizer);
        float? learningRate = parse.GetValue(_learningRate);
        if (name is null && learningRate is null)
        {
            return recipe.Optimizer;
        }

        name ??= "adam";
        learningRate ??= recipe.Optimizer.LearningRate;
        return OptimizerChoice.Create(name, recipe.Network.Parameters.Select(named => named.Parameter).ToList(), learningRate.Value);
    }

    /// <summary>The recipe's schedule, or the one <c>--schedule</c> names.</summary>
    private static ILearningRateSchedule? ChooseSchedule(string? name, ILearningRateSchedule? recipe) => name switch
    {
        null => recipe,
        "cosine" => new CosineSchedule(),
        "one-cycle" => new OneCycleSchedule(),
        _ => null,
    };

    private static string ScheduleName(ILearningRateSchedule? schedule) => schedule switch
    {
        null => "constant",
        CosineSchedule => "cosine",
        OneCycleSchedule => "one-cycle",
        _ => schedule.GetType().Name,
    };

    /// <summary>The recipe's augmentation, with flips turned on or off when <c>--flip</c> says so.</summary>
    private static IBatchAugmentation? ChooseAugmentation(string? flip, IBatchAugmentation? recipe, int seed)
    {
        if (flip is null || (flip == "off" && recipe is null))
        {
            return recipe;
        }

        ImageAugmentationOptions options = (recipe as ImageAugmentation)?.Options ?? new ImageAugmentationOptions();
        return new ImageAugmentation(options with { HorizontalFlip = flip == "on" }, seed);
    }

    /// <summary>What <c>train</c> trains on, and what the model file records about it.</summary>
    private sealed record TrainingSet(
        string DatasetName,
        string Title,
        TrainingRecipe Recipe,
        LabeledDataset Train,
        LabeledDataset Test,
        string TestName,
        IReadOnlyList<string>? ClassNames,
        ImageTransform? Transform)
    {
        /// <summary>The model properties: the dataset's name and, for pictures, how to read a new one.</summary>
        public Dictionary<string, string> Properties => Transform is null
            ? new() { [DatasetNames.PropertyKey] = DatasetName }
            : new() { [DatasetNames.PropertyKey] = DatasetName, [ImageTransform.PropertyKey] = Transform.ToJson() };
    }
}
