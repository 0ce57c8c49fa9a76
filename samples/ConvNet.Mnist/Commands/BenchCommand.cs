using ConvNet.Core.Training;
using ConvNet.Mnist.Bench;

namespace ConvNet.Mnist.Commands;

/// <summary><c>bench</c>: times SimpleConvNet training and inference and a large matrix product; prints a JSON line last.</summary>
internal sealed class BenchCommand : ICommand
{
    public string Name => "bench";

    public string Summary => "Measure training and inference speed on synthetic images (a few seconds); the last line is JSON.";

    public IReadOnlyList<OptionHelp> Options { get; } =
    [
        new("steps", "N", "timed training steps (default 50)"),
        new("warmup", "N", "untimed training steps first, until the JIT has optimized the hot code (default 100)"),
        new("batch-size", "N", "images per training step and inference batch (default 100)"),
    ];

    public Task<int> RunAsync(CommandLine commandLine, CancellationToken cancellation)
    {
        var options = new PerformanceBenchmarkOptions
        {
            TimedSteps = commandLine.GetInt("steps", 50, minimum: 1),
            WarmupSteps = commandLine.GetInt("warmup", 100, minimum: 0),
            BatchSize = commandLine.GetInt("batch-size", 100, minimum: 1),
        };

        PerformanceReport report = PerformanceBenchmark.Run(options, progress: Console.Out);
        Console.WriteLine(report.ToJson());
        return Task.FromResult(0);
    }
}
