using System.Globalization;
using ConvNet.Core.Data;
using ConvNet.Core.Training;
using Spectre.Console;

namespace ConvNet.Mnist;

/// <summary>Runs a <see cref="Trainer"/> under a progress bar (loss and ETA) and prints one line per finished epoch.</summary>
internal static class TrainingProgressView
{
    /// <summary>Trains and returns the history, the per-epoch accuracy on <paramref name="test"/> shown as <paramref name="testName"/>; Ctrl+C stops at the next step.</summary>
    public static TrainingHistory Run(Trainer trainer, LabeledDataset train, LabeledDataset test, string testName, CancellationToken cancellation) =>
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask("starting", maxValue: 1);
                var progress = new SynchronousProgress<TrainingProgress>(report =>
                {
                    task.MaxValue = report.TotalIterations;
                    task.Value = report.Iteration;
                    task.Description = string.Create(
                        CultureInfo.InvariantCulture,
                        $"epoch {report.Epoch}/{report.TotalEpochs}  loss {report.Loss:0.0000}  ETA {report.EstimatedRemaining:h\\:mm\\:ss}");
                    if (report.CompletedEpoch is { } epoch)
                    {
                        AnsiConsole.WriteLine(EpochLine(epoch, report.TotalEpochs, testName));
                    }
                });
                return trainer.Train(train, test, progress, cancellation);
            });

    /// <summary>For example <c>epoch  3/10  loss 0.0412  train 99.02%  test 98.87%  14.2 s</c>.</summary>
    public static string EpochLine(EpochResult epoch, int totalEpochs, string testName = "test")
    {
        int width = totalEpochs.ToString(CultureInfo.InvariantCulture).Length;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"epoch {epoch.Epoch.ToString(CultureInfo.InvariantCulture).PadLeft(width)}/{totalEpochs}  loss {epoch.Loss:0.0000}  " +
            $"train {Percent(epoch.TrainAccuracy)}  {testName} {Percent(epoch.TestAccuracy)}  {epoch.Seconds:0.0} s");
    }

    /// <summary>For example <c>Training time: 7.9 s (the steps of 3 epochs; evaluation excluded)</c>.</summary>
    /// <remarks>A last, partial epoch (a step count that is not a whole number of epochs) counts as the fraction of the first it ran.</remarks>
    public static string TimeLine(IReadOnlyList<EpochResult> epochs)
    {
        double count = epochs.Count == 0 ? 0 : epochs.Sum(epoch => epoch.Iterations) / (double)epochs[0].Iterations;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"Training time: {epochs.Sum(epoch => epoch.Seconds):0.0} s (the steps of {count:0.##} epoch{(count == 1 ? "" : "s")}; evaluation excluded)");
    }

    private static string Percent(double? accuracy) =>
        accuracy is { } value ? string.Create(CultureInfo.InvariantCulture, $"{100 * value:0.00}%") : "n/a";
}
