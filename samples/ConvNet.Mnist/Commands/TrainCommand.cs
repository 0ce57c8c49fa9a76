using System.CommandLine;
using ConvNet.Core.Data;
using ConvNet.Core.Models;
using ConvNet.Core.Networks;
using ConvNet.Core.Optimizers;
using ConvNet.Core.Training;
using ConvNet.Datasets;
using Spectre.Console;

namespace ConvNet.Mnist.Commands;

/// <summary>
/// <c>train</c>: trains a network on MNIST with a progress bar, prints one line per epoch, saves the model and the
/// learning curve, and ends with the test accuracy. It starts from the library's recipe for the chosen model
/// (<see cref="ModelCatalog.CreateRecipe"/>); each option given overrides one part of it.
/// </summary>
internal sealed class TrainCommand : Command
{
    /// <summary>Per-epoch training accuracy is measured on at most this many training images, to keep epochs short.</summary>
    private const int TrainEvaluationSize = 10_000;

    private static readonly string[] Schedules = ["cosine", "constant"];

    private readonly Option<string?> _model = SampleOptions.Choice(
        "--model", ModelCatalog.Names, "the network to train (default simple: the seed's SimpleConvNet)", alias: "-m");
    private readonly Option<int?> _epochs = SampleOptions.WholeNumber(
        "--epochs", "N", "passes over the training images (default: the model's recipe, 10 for simple)", minimum: 1, maximum: 10_000, alias: "-e");
    private readonly Option<int?> _iterations = SampleOptions.WholeNumber(
        "--iterations", "N", "train for exactly N mini-batch steps instead of whole epochs", minimum: 1, maximum: 10_000_000);
    private readonly Option<int?> _batchSize = SampleOptions.WholeNumber(
        "--batch-size", "N", "images per mini-batch (default 100)", minimum: 1, maximum: RunFiles.MaxBatchSize, alias: "-b");
    private readonly Option<string?> _optimizer = SampleOptions.Choice("--optimizer", OptimizerChoice.Names, "the optimizer (default adam)");
    private readonly Option<float?> _learningRate = SampleOptions.PositiveNumber(
        "--lr", "RATE", "learning rate (default: the model's recipe, 0.001 for simple)");
    private readonly Option<string?> _schedule = SampleOptions.Choice(
        "--schedule", Schedules, "cosine (decay the rate to 0 over the run) or constant, as in the seed (default cosine)");
    private readonly Option<int?> _trainSize = SampleOptions.WholeNumber(
        "--train-size", "N", "train on the first N training images (default all 60000)", minimum: 1);
    private readonly Option<int?> _testSize = SampleOptions.WholeNumber(
        "--test-size", "N", "test on the first N test images (default all 10000)", minimum: 1);
    private readonly Option<int?> _seed = SampleOptions.WholeNumber("--seed", "N", "seed of the weights and the shuffles (default 1)", alias: "-s");
    private readonly Option<string?> _data = MnistData.CreateFolderOption();
    private readonly Option<string?> _output = SampleOptions.Path(
        "--output", "DIR", $"where to write {RunFiles.ModelFileName} and {RunFiles.CurveFileName} (default {RunFiles.DefaultFolder})", alias: "-o");

    public TrainCommand()
        : base("train", "Train a network on MNIST; save the model and its learning curve.")
    {
        Add(_model);
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

        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellation)
    {
        string modelName = parse.GetValue(_model) ?? ModelCatalog.Simple;
        TrainingRecipe recipe = ModelCatalog.CreateRecipe(modelName, parse.GetValue(_seed) ?? 1);
        IOptimizer optimizer = ChooseOptimizer(parse, recipe);
        string schedule = parse.GetValue(_schedule) ?? "cosine";
        TrainerOptions options = recipe.Options with
        {
            Epochs = parse.GetValue(_epochs) ?? recipe.Options.Epochs,
            Iterations = parse.GetValue(_iterations),
            BatchSize = parse.GetValue(_batchSize) ?? recipe.Options.BatchSize,
            Schedule = schedule == "cosine" ? new CosineSchedule() : null,
        };
        // Checked now, not after the training it would throw away.
        string outputFolder = OutputPaths.PrepareFolder(parse.GetValue(_output) ?? RunFiles.DefaultFolder, _output.Name);

        MnistDataset mnist = await MnistData.LoadAsync(parse.GetValue(_data), cancellation).ConfigureAwait(false);
        LabeledDataset train = MnistData.TakeFirst(mnist.Train, parse.GetValue(_trainSize), _trainSize.Name);
        LabeledDataset test = MnistData.TakeFirst(mnist.Test, parse.GetValue(_testSize), _testSize.Name);
        var trainer = new Trainer(recipe.Network, optimizer, options with { TrainEvaluationSize = Math.Min(train.Count, TrainEvaluationSize) });

        AnsiConsole.MarkupLineInterpolated(
            $"Training [bold]{modelName}[/] with {optimizer.GetType().Name} (lr {optimizer.LearningRate}, {schedule}), batch {options.BatchSize}, on {train.Count} images; testing on {test.Count}.");
        TrainingHistory history = TrainingProgressView.Run(trainer, train, test, cancellation);

        string modelPath = Path.Combine(outputFolder, RunFiles.ModelFileName);
        string curvePath = Path.Combine(outputFolder, RunFiles.CurveFileName);
        TestScore score = TestScore.Of(recipe.Network, test);
        new Model(recipe.Network, modelName) { TestAccuracy = score.Accuracy }.Save(modelPath);
        LearningCurveChart.Save(curvePath, $"{modelName} network on MNIST", history.TrainAccuracies, history.TestAccuracies);
        AnsiConsole.MarkupLineInterpolated($"Saved the model to [bold]{modelPath}[/] and the learning curve to [bold]{curvePath}[/].");

        Console.WriteLine(score.Summary);
        return 0;
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
}
