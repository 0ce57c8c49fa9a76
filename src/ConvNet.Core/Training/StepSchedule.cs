namespace ConvNet.Core.Training;

/// <summary>Step decay: the learning rate is multiplied by <see cref="Factor"/> every <see cref="StepEpochs"/> whole epochs.</summary>
public sealed class StepSchedule : ILearningRateSchedule
{
    /// <summary>Creates a step schedule.</summary>
    /// <param name="stepEpochs">The number of epochs between decays, 1 or more.</param>
    /// <param name="factor">The multiplier applied at each decay, in (0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public StepSchedule(int stepEpochs, float factor = 0.1f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepEpochs, 1);
        if (!(factor > 0f && factor <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, $"The decay factor must be in (0, 1]; got {factor}.");
        }

        StepEpochs = stepEpochs;
        Factor = factor;
    }

    /// <summary>The number of epochs between decays.</summary>
    public int StepEpochs { get; }

    /// <summary>The multiplier applied at each decay.</summary>
    public float Factor { get; }

    /// <inheritdoc />
    public float GetLearningRate(float baseLearningRate, double epoch, double totalEpochs) =>
        (float)(baseLearningRate * Math.Pow(Factor, Math.Floor(epoch / StepEpochs)));
}
