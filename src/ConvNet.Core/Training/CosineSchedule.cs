namespace ConvNet.Core.Training;

/// <summary>
/// Cosine annealing over the whole run, step by step:
/// <c>minimum + (base - minimum) * (1 + cos(pi * epoch / totalEpochs)) / 2</c>, falling from the base rate at the
/// first step towards <see cref="MinimumLearningRate"/> at the end.
/// </summary>
public sealed class CosineSchedule : ILearningRateSchedule
{
    /// <summary>Creates a cosine schedule.</summary>
    /// <param name="minimumLearningRate">The rate approached at the end of training, 0 or more (and below the base rate).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minimumLearningRate"/> is negative or not finite.</exception>
    public CosineSchedule(float minimumLearningRate = 0f)
    {
        if (!(minimumLearningRate >= 0f) || !float.IsFinite(minimumLearningRate))
        {
            throw new ArgumentOutOfRangeException(
                nameof(minimumLearningRate), minimumLearningRate, $"The minimum learning rate must be 0 or more and finite; got {minimumLearningRate}.");
        }

        MinimumLearningRate = minimumLearningRate;
    }

    /// <summary>The rate approached at the end of training.</summary>
    public float MinimumLearningRate { get; }

    /// <inheritdoc />
    public float GetLearningRate(float baseLearningRate, double epoch, double totalEpochs)
    {
        double progress = Math.Clamp(epoch / totalEpochs, 0, 1);
        double rate = MinimumLearningRate + ((baseLearningRate - MinimumLearningRate) * (1 + Math.Cos(Math.PI * progress)) / 2);

        // The last step's rate is a hair above the minimum; with a minimum of 0 it must still be a valid (positive) rate.
        return Math.Max((float)rate, float.Epsilon);
    }
}
