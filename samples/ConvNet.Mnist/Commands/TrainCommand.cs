using ConvNet.Core.Data;
using ConvNet.Core.Networks;
using ConvNet.Core.Optimizers;
using ConvNet.Core.Serialization;
using ConvNet.Core.Training;
using ConvNet.Datasets;
using Spectre.Console;

namespace ConvNet.Mnist.Commands;

/// <summary>
/// <c>train</c>: trains a network on MNIST with a progress bar, prints one line per epoch, saves the model and the
/// learning curve, and ends with the test accuracy. It starts from the library's recipe for the chosen model
/// (<see cref="ModelCatalog.CreateRecipe"/>); each option given overrides one part of it.
/// </summary>
internal sealed class TrainCommand : ICommand
{
    /// <summary>Per-epoch training accuracy is measured on at most this many training images, to keep epochs short.</summary>
    private const int TrainEvaluationSize = 10_000;

    private static readonly string[] Schedules = ["cosine", "constant"];

    public string Name => "train";

    public string Summary => "Train a network on MNIST; save the model and its learning curve.";

    public IReadOnlyList<OptionHelp> Options { get; } =
    [
        new("model", "NAME", $"{string.Join(", ", ModelCatalog.Names)} (default simple: the seed's SimpleConvNet)"),
        new("epochs", "N", "passes over the training images (default: the model's recipe, 10 for simple)"),
        new("iterations", "N", "train for exactly N mini-batch steps instead of whole epochs"),
        new("batch-size", "N", "images per mini-batch (default 100)"),
        new("optimizer", "NAME", $"{string.Join(", ", OptimizerFactory.Names)} (default adam)"),
        new("lr", "RATE", "learning rate (default: the model's recipe, 0.001 for simple)"),
        new("schedule", "NAME", "cosine (decay the rate to 0 over the run) or constant, as in the seed (default cosine)"),
        new("train-size", "N", "train on the first N training images (default all 60000)"),
        new("test-size", "N", "test on the first N test images (default all 10000)"),
        new("seed", "N", "seed of the weights and the shuffles (default 1)"),
        new(MnistData.FolderOption, "DIR", MnistData.FolderHelp),
        new("output", "DIR", $"where to write {RunFiles.ModelFileName} and {RunFiles.CurveFileName} (default {RunFiles.DefaultFolder})"),
    ];

    public async Task<int> RunAsync(CommandLine commandLine, CancellationToken cancellation)
    {
        string modelName = commandLine.GetChoice("model", ModelCatalog.Simple, ModelCatalog.Names);
        TrainingRecipe recipe = ModelCatalog.CreateRecipe(modelName, commandLine.GetInt("seed", 1, minimum: 0));
        IOptimizer optimizer = ChooseOptimizer(commandLine, recipe);
        string schedule = commandLine.GetChoice("schedule", "cosine", Schedules);
        TrainerOptions options = recipe.Options with
        {
            Epochs = commandLine.GetInt("epochs", recipe.Options.Epochs, minimum: 1),
            Iterations = commandLine.Has("iterations") ? commandLine.GetInt("iterations", 0, minimum: 1) : null,
            BatchSize = commandLine.GetInt("batch-size", recipe.Options.BatchSize, minimum: 1),
            Schedule = schedule == "cosine" ? new CosineSchedule() : null,
        };
        string outputFolder = commandLine.GetString("output", RunFiles.DefaultFolder)!;

        MnistDataset mnist = await MnistData.LoadAsync(commandLine, cancellation).ConfigureAwait(false);
        LabeledDataset train = MnistData.TakeFirst(mnist.Train, commandLine, "train-size");
        LabeledDataset test = MnistData.TakeFirst(mnist.Test, commandLine, "test-size");
        var trainer = new Trainer(recipe.Network, optimizer, options with { TrainEvaluationSize = Math.Min(train.Count, TrainEvaluationSize) });

        AnsiConsole.MarkupLineInterpolated(
            $"Training [bold]{modelName}[/] with {optimizer.GetType().Name} (lr {optimizer.LearningRate}, {schedule}), batch {options.BatchSize}, on {train.Count} images; testing on {test.Count}.");
        TrainingHistory history = TrainingProgressView.Run(trainer, train, test, cancellation);

        Directory.CreateDirectory(outputFolder);
        string modelPath = Path.Combine(outputFolder, RunFiles.ModelFileName);
        string curvePath = Path.Combine(outputFolder, RunFiles.CurveFileName);
        Checkpoint.Save(recipe.Network, modelPath, ModelCatalog.Metadata(modelName));
        LearningCurveChart.Save(curvePath, $"{modelName} network on MNIST", history.TrainAccuracies, history.TestAccuracies);
        AnsiConsole.MarkupLineInterpolated($"Saved the model to [bold]{modelPath}[/] and the learning curve to [bold]{curvePath}[/].");

        Console.WriteLine(TestScore.Of(recipe.Network, test).Summary);
        return 0;
    }

    /// <summary>The recipe's optimizer, or the one <c>--optimizer</c>/<c>--lr</c> ask for over the same parameters.</summary>
    private static IOptimizer ChooseOptimizer(CommandLine commandLine, TrainingRecipe recipe)
    {
        if (!commandLine.Has("optimizer") && !commandLine.Has("lr"))
        {
            return recipe.Optimizer;
        }

        string name = commandLine.GetChoice("optimizer", "adam", OptimizerFactory.Names);
        float learningRate = commandLine.GetPositiveFloat("lr", recipe.Optimizer.LearningRate);
        return OptimizerFactory.Create(name, recipe.Network.Parameters.Select(named => named.Parameter).ToList(), learningRate);
    }
}
