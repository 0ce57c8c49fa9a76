using ConvNet.Mnist.Bench;

namespace ConvNet.Mnist.Tests;

// The verbose run sets ConvNetRuntime.ThreadCount for a while (process-wide): not beside parallel tests.
[Collection(ConsoleOutput.Name)]
public class StageBreakdownTests
{
    [Fact]
    public void A_verbose_run_times_each_stage_as_the_library_runs_it()
    {
        var options = new PerformanceBenchmarkOptions
        {
            TimedSteps = 2, WarmupSteps = 1, EpochImages = 1000, InferenceImages = 200, InferencePasses = 1, LatencyRuns = 3, GemmRuns = 1, Verbose = true,
        };
        var progress = new StringWriter();

        PerformanceBenchmark.Run(options, progress: progress);

        string[] lines = progress.ToString().Split(Environment.NewLine);
        lines.Should().Contain(line => line.StartsWith("training step @100, per stage", StringComparison.Ordinal));
        lines.Should().Contain(line => line.StartsWith("inference @1, per stage", StringComparison.Ordinal));
        lines.Where(line => line.StartsWith("  conv1+relu1+pool1 ", StringComparison.Ordinal)).Should().HaveCount(3, "one fused stage in training and in both predictions");
        lines.Should().Contain(line => line.StartsWith("  affine1+relu2 ", StringComparison.Ordinal));
        lines.Should().Contain(line => line.StartsWith("  loss ", StringComparison.Ordinal));
        lines.Should().Contain(line => line.StartsWith("batch-1 latency, turns taken: 1 thread ", StringComparison.Ordinal));
    }
}
