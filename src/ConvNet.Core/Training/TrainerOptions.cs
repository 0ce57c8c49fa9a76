namespace ConvNet.Core.Training;

/// <summary>How a <see cref="Trainer"/> runs: length, batching, seed, evaluation and the training extras.</summary>
/// <remarks>Every property is validated when training starts; a bad value throws <see cref="ArgumentOutOfRangeException"/> naming it.</remarks>
public sealed record TrainerOptions
{
    /// <summary>The number of passes over the training items (ignored when <see cref="Iterations"/> is set). Default 1.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>The number of items per mini-batch. Default 100.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>The seed of the mini-batch shuffle and of the validation split. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// When set, train for exactly this many mini-batch steps, however many epochs that takes (the last one may be
    /// partial); <see cref="Epochs"/> is then ignored. The seed's recipe is 1,000 steps of 100 over 5,000 items.
    /// </summary>
    public int? Iterations { get; init; }

    /// <summary>Training accuracy is measured on the first this-many training items after each epoch; null for all, 0 to skip.</summary>
    public int? TrainEvaluationSize { get; init; }

    /// <summary>Test accuracy is measured on the first this-many test items after each epoch; null for all, 0 to skip.</summary>
    public int? TestEvaluationSize { get; init; }

    /// <summary>The batch size of the inference passes that measure accuracy and validation loss. Default 100.</summary>
    public int EvaluationBatchSize { get; init; } = 100;

    /// <summary>Changes the learning rate step by step; null keeps the optimizer's rate constant.</summary>
    public ILearningRateSchedule? Schedule { get; init; }

    /// <summary>The L2 weight-decay coefficient added to weight gradients (not biases); 0 (default) for none.</summary>
    public float WeightDecay { get; init; }

    /// <summary>When set, gradients are scaled so their global norm is at most this before every step.</summary>
    public float? MaxGradientNorm { get; init; }

    /// <summary>
    /// The fraction of the training items, in [0, 1), set aside (by a seeded shuffle) as a validation split that is
    /// never trained on; its loss and accuracy are measured after every epoch. 0 (default) for none.
    /// </summary>
    public double ValidationFraction { get; init; }

    /// <summary>
    /// When set, stop after this many epochs in a row without a lower validation loss (needs a
    /// <see cref="ValidationFraction"/> above 0).
    /// </summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>
    /// With a validation split, put back the parameters and layer state of the epoch with the lowest validation loss
    /// when training ends. Default true.
    /// </summary>
    public bool RestoreBestParameters { get; init; } = true;

    /// <summary>A random transformation applied to each training mini-batch (never to evaluation data); null for none.</summary>
    public IBatchAugmentation? Augmentation { get; init; }

    /// <summary>
    /// When set, in (0, 1): the trainer keeps an exponential moving average of the parameters and of the layer state
    /// (the batch-normalization statistics, averaged like the parameters they were measured with), updated after every
    /// step as average = d·average + (1 − d)·value with d = min(decay, (1 + t) / (10 + t)) at step t, and puts it into
    /// the network after the last step, before the last epoch's evaluation: the averaged network is the one measured,
    /// returned and saved. A decay of 0.999 averages roughly the last 1,000 steps. A run stopped early keeps its own
    /// values. Null (default) for none.
    /// </summary>
    public float? WeightAveragingDecay { get; init; }

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names the property and the value.</exception>
    public void Validate()
    {
        Require(Epochs >= 1, Epochs, nameof(Epochs), "at least 1");
        Require(BatchSize >= 1, BatchSize, nameof(BatchSize), "at least 1");
        Require(Iterations is null or >= 1, Iterations, nameof(Iterations), "at least 1 (or null)");
        Require(TrainEvaluationSize is null or >= 0, TrainEvaluationSize, nameof(TrainEvaluationSize), "0 or more (or null)");
        Require(TestEvaluationSize is null or >= 0, TestEvaluationSize, nameof(TestEvaluationSize), "0 or more (or null)");
        Require(EvaluationBatchSize >= 1, EvaluationBatchSize, nameof(EvaluationBatchSize), "at least 1");
        Require(WeightDecay >= 0f && float.IsFinite(WeightDecay), WeightDecay, nameof(WeightDecay), "0 or more and finite");
        Require(
            MaxGradientNorm is null || (MaxGradientNorm > 0f && float.IsFinite(MaxGradientNorm.Value)),
            MaxGradientNorm,
            nameof(MaxGradientNorm),
            "positive and finite (or null)");
        Require(ValidationFraction is >= 0 and < 1, ValidationFraction, nameof(ValidationFraction), "in [0, 1)");
        Require(
            WeightAveragingDecay is null || (WeightAveragingDecay > 0f && WeightAveragingDecay < 1f),
            WeightAveragingDecay,
            nameof(WeightAveragingDecay),
            "in (0, 1) (or null)");
        Require(EarlyStoppingPatience is null or >= 1, EarlyStoppingPatience, nameof(EarlyStoppingPatience), "at least 1 (or null)");
        Require(
            EarlyStoppingPatience is null || ValidationFraction > 0,
            EarlyStoppingPatience,
            nameof(EarlyStoppingPatience),
            "used with a ValidationFraction above 0 (early stopping watches the validation loss)");
    }

    private static void Require(bool condition, object? value, string name, string expected)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be {expected}; got {value ?? "null"}.");
        }
    }
}
