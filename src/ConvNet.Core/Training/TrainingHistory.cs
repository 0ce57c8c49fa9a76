namespace ConvNet.Core.Training;

/// <summary>The record of a training run: one <see cref="EpochResult"/> per epoch and the loss of every step.</summary>
public sealed class TrainingHistory
{
    internal TrainingHistory(IReadOnlyList<EpochResult> epochs, IReadOnlyList<float> batchLosses, int? bestEpoch, bool stoppedEarly, double seconds)
    {
        Epochs = epochs;
        BatchLosses = batchLosses;
        BestEpoch = bestEpoch;
        StoppedEarly = stoppedEarly;
        Seconds = seconds;
    }

    /// <summary>The epochs, in order.</summary>
    public IReadOnlyList<EpochResult> Epochs { get; }

    /// <summary>The loss of every mini-batch step, in order (the seed's <c>train_loss_list</c>).</summary>
    public IReadOnlyList<float> BatchLosses { get; }

    /// <summary>Training accuracy per epoch (the seed's <c>train_acc_list</c>); NaN where it was not measured.</summary>
    public IReadOnlyList<double> TrainAccuracies => Epochs.Select(epoch => epoch.TrainAccuracy ?? double.NaN).ToArray();

    /// <summary>Test accuracy per epoch (the seed's <c>test_acc_list</c>); NaN where it was not measured.</summary>
    public IReadOnlyList<double> TestAccuracies => Epochs.Select(epoch => epoch.TestAccuracy ?? double.NaN).ToArray();

    /// <summary>The epoch with the lowest validation loss; null without a validation split.</summary>
    public int? BestEpoch { get; }

    /// <summary>Whether early stopping ended the run before its planned length.</summary>
    public bool StoppedEarly { get; }

    /// <summary>Wall-clock seconds of the whole run, evaluation included.</summary>
    public double Seconds { get; }
}
