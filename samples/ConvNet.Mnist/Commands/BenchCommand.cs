using System.CommandLine;
using ConvNet.Mnist.Bench;

namespace ConvNet.Mnist.Commands;

/// <summary><c>bench</c>: times SimpleConvNet training and inference and a large matrix product; prints a JSON line last.</summary>
internal sealed class BenchCommand : Command
{
    private readonly Option<int?> _steps = SampleOptions.WholeNumber("--steps", "N", "timed training steps (default 50)", minimum: 1, maximum: 100_000, alias: "-n");
    private readonly Option<int?> _warmup = SampleOptions.WholeNumber(
        "--warmup", "N", "untimed training steps first, until the JIT has optimized the hot code (default 100)", minimum: 0, maximum: 100_000, alias: "-w");
    private readonly Option<int?> _batchSize = SampleOptions.WholeNumber(
        "--batch-size", "N", "images per training step and inference batch (default 100)", minimum: 1, maximum: RunFiles.MaxBatchSize, alias: "-b");
    private readonly Option<bool> _verbose = new("--verbose", "-v")
    {
        Description = "also print each stage's time in a training step and in predictions, and batch-1 latency on one thread against all",
    };

    public BenchCommand()
        : base("bench", "Measure training and inference speed on synthetic images (a few seconds); the last line is JSON.")
    {
        Add(_steps);
        Add(_warmup);
        Add(_batchSize);
        Add(_verbose);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        var defaults = new PerformanceBenchmarkOptions();
        PerformanceBenchmarkOptions options = defaults with
        {
            TimedSteps = parse.GetValue(_steps) ?? defaults.TimedSteps,
            WarmupSteps = parse.GetValue(_warmup) ?? defaults.WarmupSteps,
            BatchSize = parse.GetValue(_batchSize) ?? defaults.BatchSize,
            Verbose = parse.GetValue(_verbose),
        };

        PerformanceReport report = PerformanceBenchmark.Run(options, progress: Console.Out);
        Console.WriteLine(report.ToJson());
        return 0;
    }
}
