using ConvNet.Core.Networks;

namespace ConvNet.Mnist.Bench;

/// <summary>How long and on what <see cref="PerformanceBenchmark.Run"/> measures. The defaults take a few seconds.</summary>
public sealed record PerformanceBenchmarkOptions
{
    /// <summary>Images per training step and per inference batch (the seed uses 100).</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>Training steps timed after <see cref="WarmupSteps"/>.</summary>
    public int TimedSteps { get; init; } = 50;

    /// <summary>Untimed steps first, so the JIT and the buffers reach their steady state.</summary>
    /// <remarks>
    /// The default is long because .NET compiles in tiers: hot methods start as quick unoptimized code and are
    /// recompiled in the background; here that takes roughly the first 50 steps. Five warm-up steps (as the PyTorch
    /// script uses; it has no JIT) time that transition, about twice the steady-state step, not the rest of an epoch.
    /// </remarks>
    public int WarmupSteps { get; init; } = 100;

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

    /// <summary>
    /// True to also print where the time goes: each stage's forward and backward time in a training step and in
    /// predictions at the batch size and at 1, and single-image latency on one thread against all of them.
    /// </summary>
    public bool Verbose { get; init; }

    /// <summary>
    /// The network whose inference is timed (with the peer's on its export), for example a trained model; null for the
    /// benchmark's own SimpleConvNet as its timed training steps left it. Training is always timed on its own network.
    /// </summary>
    /// <remarks>
    /// A prediction's cost depends on the weights: the inference kernels skip inputs that are exactly zero, and a trained
    /// network's ReLUs leave more of them than one 150 steps from its initialization.
    /// </remarks>
    public INetwork? InferenceNetwork { get; init; }

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
