namespace ConvNet.Core.Training;

/// <summary>What one epoch of training achieved.</summary>
/// <param name="Epoch">The epoch number, from 1.</param>
/// <param name="Iterations">The mini-batch steps taken in this epoch.</param>
/// <param name="Loss">The mean training loss over this epoch's mini-batches (before each step).</param>
/// <param name="TrainAccuracy">Accuracy on the training evaluation subset after the epoch; null when skipped.</param>
/// <param name="TestAccuracy">Accuracy on the test evaluation subset after the epoch; null when skipped or without test data.</param>
/// <param name="ValidationLoss">Mean loss on the validation split after the epoch; null without a split.</param>
/// <param name="ValidationAccuracy">Accuracy on the validation split after the epoch; null without a split.</param>
/// <param name="LearningRate">The learning rate of the epoch's last step.</param>
/// <param name="Seconds">Wall-clock seconds of the epoch's training steps (evaluation excluded).</param>
public sealed record EpochResult(
    int Epoch,
    int Iterations,
    double Loss,
    double? TrainAccuracy,
    double? TestAccuracy,
    double? ValidationLoss,
    double? ValidationAccuracy,
    float LearningRate,
    double Seconds);
