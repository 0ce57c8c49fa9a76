namespace ConvNet.Core.Training;

/// <summary>How long and on what <see cref="PerformanceBenchmark.Run"/> measures. The defaults take a few seconds.</summary>
public sealed record PerformanceBenchmarkOptions
{
    /// <summary>Images per training step and per inference batch (the seed uses 100).</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>Training steps timed after <see cref="WarmupSteps"/>.</summary>
    public int TimedSteps { get; init; } = 50;

    /// <summary>Untimed steps first, so the JIT and the buffers reach their steady state.</summary>
    public int WarmupSteps { get; init; } = 5;

    /// <summary>Images in one training epoch, to turn a step time into <see cref="PerformanceReport.EpochSeconds"/>.</summary>
    public int EpochImages { get; init; } = 60_000;

    /// <summary>Images predicted per inference pass (in batches of <see cref="BatchSize"/>).</summary>
    public int InferenceImages { get; init; } = 10_000;

    /// <summary>Timed inference passes; the median is reported.</summary>
    public int InferencePasses { get; init; } = 3;

    /// <summary>Timed single-image predictions; the median is reported.</summary>
    public int LatencyRuns { get; init; } = 500;

    /// <summary>Timed 1024³ matrix products; the median is reported.</summary>
    public int GemmRuns { get; init; } = 10;

    /// <summary>Seed of the network's weights and of the synthetic images.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Checks every count is positive.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is zero or negative.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(TimedSteps);
        ArgumentOutOfRangeException.ThrowIfNegative(WarmupSteps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(EpochImages);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(InferenceImages);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(InferencePasses);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(LatencyRuns);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(GemmRuns);
    }
}
