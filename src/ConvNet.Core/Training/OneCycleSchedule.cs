namespace ConvNet.Core.Training;

/// <summary>
/// The one-cycle policy (Smith and Topin; PyTorch's <c>OneCycleLR</c> with cosine annealing): the rate climbs along half
/// a cosine from <c>base / InitialDivisor</c> to the base rate over the first <see cref="WarmupFraction"/> of the run,
/// then falls along half a cosine to <c>base / (InitialDivisor * FinalDivisor)</c> at the end. The base rate is the peak.
/// </summary>
/// <remarks>
/// The warm-up lets a high peak rate be used from the start without the first, large gradients of a fresh network
/// throwing it off; the long fall settles it. Short runs (a few epochs) gain the most.
/// </remarks>
public sealed class OneCycleSchedule : ILearningRateSchedule
{
    /// <summary>Creates a one-cycle schedule; the defaults are PyTorch's.</summary>
    /// <param name="warmupFraction">The fraction of the run spent climbing to the peak, in (0, 1).</param>
    /// <param name="initialDivisor">The starting rate is the peak divided by this, 1 or more.</param>
    /// <param name="finalDivisor">The final rate is the starting rate divided by this, 1 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range or not finite.</exception>
    public OneCycleSchedule(double warmupFraction = 0.3, double initialDivisor = 25, double finalDivisor = 1e4)
    {
        if (!(warmupFraction is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(warmupFraction), warmupFraction, $"The warm-up fraction must lie in (0, 1); got {warmupFraction}.");
        }

        if (!(initialDivisor >= 1) || !double.IsFinite(initialDivisor))
        {
            throw new ArgumentOutOfRangeException(nameof(initialDivisor), initialDivisor, $"The initial divisor must be 1 or more and finite; got {initialDivisor}.");
        }

        if (!(finalDivisor >= 1) || !double.IsFinite(finalDivisor))
        {
            throw new ArgumentOutOfRangeException(nameof(finalDivisor), finalDivisor, $"The final divisor must be 1 or more and finite; got {finalDivisor}.");
        }

        WarmupFraction = warmupFraction;
        InitialDivisor = initialDivisor;
        FinalDivisor = finalDivisor;
    }

    /// <summary>The fraction of the run spent climbing to the peak.</summary>
    public double WarmupFraction { get; }

    /// <summary>The starting rate is the peak divided by this.</summary>
    public double InitialDivisor { get; }

    /// <summary>The final rate is the starting rate divided by this.</summary>
    public double FinalDivisor { get; }

    /// <inheritdoc />
    public float GetLearningRate(float baseLearningRate, double epoch, double totalEpochs)
    {
        double progress = Math.Clamp(epoch / totalEpochs, 0, 1);
        double start = baseLearningRate / InitialDivisor;
        double rate = progress < WarmupFraction
            ? Anneal(start, baseLearningRate, progress / WarmupFraction)
            : Anneal(baseLearningRate, start / FinalDivisor, (progress - WarmupFraction) / (1 - WarmupFraction));
        return Math.Max((float)rate, float.Epsilon);

        // From `from` at fraction 0 to `to` at fraction 1 along half a cosine.
        static double Anneal(double from, double to, double fraction) => to + ((from - to) * (1 + Math.Cos(Math.PI * fraction)) / 2);
    }
}
