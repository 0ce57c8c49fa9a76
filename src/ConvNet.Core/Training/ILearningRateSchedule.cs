namespace ConvNet.Core.Training;

/// <summary>
/// How the learning rate changes over a training run. The trainer asks before every step and sets the optimizer's
/// <see cref="Optimizers.IOptimizer.LearningRate"/> to the answer.
/// </summary>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate for a step.</summary>
    /// <param name="baseLearningRate">The optimizer's learning rate when training started.</param>
    /// <param name="epoch">Epochs completed before this step, fractional: 1.5 is halfway through the second epoch.</param>
    /// <param name="totalEpochs">The length of the run in epochs (fractional when it ends mid-epoch).</param>
    /// <returns>A positive, finite learning rate.</returns>
    float GetLearningRate(float baseLearningRate, double epoch, double totalEpochs);
}
