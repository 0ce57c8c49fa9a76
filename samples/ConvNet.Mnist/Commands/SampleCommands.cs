namespace ConvNet.Mnist.Commands;

/// <summary>Every command of the sample, in the order the help lists them.</summary>
internal static class SampleCommands
{
    public static IReadOnlyList<ICommand> All { get; } =
        [new DownloadCommand(), new TrainCommand(), new EvaluateCommand(), new PredictCommand(), new BenchCommand()];
}
