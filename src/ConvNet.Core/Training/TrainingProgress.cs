namespace ConvNet.Core.Training;

/// <summary>
/// A progress report from <see cref="Trainer.Train"/>: one after every mini-batch step, and one more at the end of
/// each epoch with <see cref="CompletedEpoch"/> set. A value type, so reporting allocates nothing.
/// </summary>
/// <param name="Epoch">The current epoch, from 1.</param>
/// <param name="TotalEpochs">The number of epochs the run will take (unless it stops early).</param>
/// <param name="Batch">Mini-batch steps completed in this epoch.</param>
/// <param name="BatchesPerEpoch">Mini-batch steps in a full epoch.</param>
/// <param name="Iteration">Mini-batch steps completed in the whole run.</param>
/// <param name="TotalIterations">Mini-batch steps the run will take (unless it stops early).</param>
/// <param name="Loss">The loss of the latest mini-batch.</param>
/// <param name="LearningRate">The learning rate of the latest step.</param>
/// <param name="Elapsed">Wall-clock time since training started.</param>
/// <param name="EstimatedRemaining">The time the remaining steps will take at the average pace so far (evaluation included).</param>
/// <param name="CompletedEpoch">The epoch's summary in the end-of-epoch report; null in per-batch reports.</param>
public readonly record struct TrainingProgress(
    int Epoch,
    int TotalEpochs,
    int Batch,
    int BatchesPerEpoch,
    int Iteration,
    int TotalIterations,
    float Loss,
    float LearningRate,
    TimeSpan Elapsed,
    TimeSpan EstimatedRemaining,
    EpochResult? CompletedEpoch);
