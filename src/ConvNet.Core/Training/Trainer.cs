using System.Diagnostics;
using ConvNet.Core.Data;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Optimizers;
using ConvNet.Core.Serialization;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Training;

/// <summary>
/// Trains a network with an optimizer by mini-batch gradient descent: epochs over the training items shuffled
/// without replacement from <see cref="TrainerOptions.Seed"/>, with per-epoch evaluation, progress reports,
/// cancellation, and the extras of <see cref="TrainerOptions"/> (schedule, weight decay, clipping, validation split
/// with early stopping, augmentation, weight averaging).
/// </summary>
/// <remarks>
/// <para>Each epoch takes <c>floor(trainingItems / batchSize)</c> full mini-batches; the few items left over go
/// unused in that epoch. Every mini-batch then has the same size, so the layers' buffers are reused and a step
/// allocates nothing, and since each epoch reshuffles, every item is still trained on.</para>
/// <para>Per step: gather the mini-batch into a reused buffer, augment it, set the scheduled learning rate, compute
/// the gradients, stop with <see cref="TrainingDivergedException"/> if the loss is not finite, clip, add weight decay,
/// and step the optimizer (then fold the new values into the <see cref="TrainerOptions.WeightAveragingDecay"/> average, if
/// any). The optimizer's learning rate is put back to its starting value when training ends.</para>
/// </remarks>
public sealed class Trainer
{
    private readonly Parameter[] _parameters;

    /// <summary>Creates a trainer.</summary>
    /// <param name="network">The network to train.</param>
    /// <param name="optimizer">An optimizer over <paramref name="network"/>'s parameters.</param>
    /// <param name="options">How to train; the defaults when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    /// <exception cref="ArgumentException">A built-in <see cref="Optimizers.Optimizer"/> does not cover every parameter of the network.</exception>
    public Trainer(INetwork network, IOptimizer optimizer, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        options ??= new TrainerOptions();
        options.Validate();
        Network = network;
        Optimizer = optimizer;
        Options = options;
        _parameters = [.. network.Parameters.Select(named => named.Parameter)];
        if (optimizer is Optimizer builtIn)
        {
            // A parameter the optimizer does not know would silently never train.
            var updated = builtIn.Parameters.ToHashSet(ReferenceEqualityComparer.Instance);
            var missing = network.Parameters.FirstOrDefault(named => !updated.Contains(named.Parameter));
            if (missing is not null)
            {
                throw new ArgumentException($"The optimizer does not update the network's parameter '{missing.Name}'; create it over the network's parameters.", nameof(optimizer));
            }
        }
    }

    /// <summary>The network being trained.</summary>
    public INetwork Network { get; }

    /// <summary>The optimizer that updates it.</summary>
    public IOptimizer Optimizer { get; }

    /// <summary>How it is trained.</summary>
    public TrainerOptions Options { get; }

    /// <summary>Trains the network on <paramref name="training"/>, measuring it on <paramref name="test"/> after each epoch.</summary>
    /// <param name="training">The training items (the validation split, if any, is carved from them).</param>
    /// <param name="test">Test items for per-epoch test accuracy; null for none.</param>
    /// <param name="progress">Receives a report after every step and at the end of every epoch; null for none.</param>
    /// <param name="cancellationToken">Checked before every step.</param>
    /// <returns>The per-epoch results and per-step losses.</returns>
    /// <exception cref="ArgumentException">
    /// The data does not fit the network (item shape or a label out of range), there are fewer training items
    /// than one mini-batch, or the epochs ask for more than <see cref="int.MaxValue"/> steps.
    /// </exception>
    /// <exception cref="TrainingDivergedException">A mini-batch loss was NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException">Cancellation was requested; the network keeps its latest parameters.</exception>
    public TrainingHistory Train(
        LabeledDataset training,
        LabeledDataset? test = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        CheckFits(training, nameof(training));
        if (test is not null)
        {
            CheckFits(test, nameof(test));
        }

        var random = new Random(Options.Seed);
        int[] order = [.. Enumerable.Range(0, training.Count)];
        EvaluationSet? validation = null;
        if (Options.ValidationFraction > 0)
        {
            random.Shuffle(order);
            int validationCount = Math.Clamp((int)Math.Round(training.Count * Options.ValidationFraction), 1, training.Count - 1);
            validation = new EvaluationSet(training, order[^validationCount..], Options.EvaluationBatchSize);
            order = order[..^validationCount];
            Array.Sort(order);
        }

        int batchSize = Options.BatchSize;
        if (order.Length < batchSize)
        {
            throw new ArgumentException(
                $"The batch size {batchSize} exceeds the {order.Length} training items (after any validation split).", nameof(training));
        }

        int batchesPerEpoch = order.Length / batchSize;
        long requestedIterations = Options.Iterations ?? (long)Options.Epochs * batchesPerEpoch;
        if (requestedIterations > int.MaxValue)
        {
            throw new ArgumentException(
                $"{Options.Epochs:N0} epochs of {batchesPerEpoch:N0} mini-batches are {requestedIterations:N0} steps, more than the {int.MaxValue:N0} a run can count; "
                + "ask for fewer epochs.", nameof(training));
        }

        int totalIterations = (int)requestedIterations;
        int totalEpochs = (int)((totalIterations + (long)batchesPerEpoch - 1) / batchesPerEpoch);
        var trainEvaluation = SubsetOrNull(training, order, Options.TrainEvaluationSize);
        var testEvaluation = test is null ? null : SubsetOrNull(test, [.. Enumerable.Range(0, test.Count)], Options.TestEvaluationSize);
        var best = validation is not null && Options.RestoreBestParameters
            ? new TensorSnapshot(NetworkTensors.Collect(Network).Select(tensor => tensor.Value))
            : null;

        var average = Options.WeightAveragingDecay is { } decay
            ? new WeightAverage(NetworkTensors.Collect(Network).Select(tensor => tensor.Value), decay)
            : null;
        var batchInputs = new FloatTensor(training.Inputs.Shape.WithBatchSize(batchSize));
        var augmentedInputs = Options.Augmentation is null ? null : new FloatTensor(batchInputs.Shape);
        var batchLabels = new int[batchSize];
        // The lists grow as the run goes: a run may be cancelled long before its last step (2^31 steps would be 8 GB of losses).
        var epochs = new List<EpochResult>(Math.Min(totalEpochs, 1024));
        var batchLosses = new List<float>(Math.Min(totalIterations, 1 << 20));
        float baseLearningRate = Optimizer.LearningRate;
        double bestLoss = double.PositiveInfinity;
        int? bestEpoch = null;
        int epochsWithoutImprovement = 0;
        bool stoppedEarly = false;
        var runClock = Stopwatch.StartNew();
        try
        {
            int iteration = 0;
            for (int epoch = 1; epoch <= totalEpochs && !stoppedEarly; epoch++)
            {
                random.Shuffle(order);
                int batches = Math.Min(batchesPerEpoch, totalIterations - iteration);
                double lossSum = 0;
                float learningRate = baseLearningRate;
                long epochStart = Stopwatch.GetTimestamp();
                for (int batch = 1; batch <= batches; batch++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    training.Gather(order.AsSpan((batch - 1) * batchSize, batchSize), batchInputs, batchLabels);
                    var inputs = batchInputs;
                    if (augmentedInputs is not null)
                    {
                        Options.Augmentation!.Apply(batchInputs, augmentedInputs);
                        inputs = augmentedInputs;
                    }

                    learningRate = Options.Schedule?.GetLearningRate(
                        baseLearningRate, iteration / (double)batchesPerEpoch, totalIterations / (double)batchesPerEpoch) ?? baseLearningRate;
                    Optimizer.LearningRate = learningRate;
                    float loss = Network.ComputeGradients(inputs, batchLabels);
                    if (!float.IsFinite(loss))
                    {
                        throw new TrainingDivergedException(epoch, batch, loss, FirstNonFiniteParameter());
                    }

                    UpdateParameters();
                    average?.Update();
                    iteration++;
                    batchLosses.Add(loss);
                    lossSum += loss;
                    if (progress is not null)
                    {
                        var elapsed = runClock.Elapsed;
                        progress.Report(new TrainingProgress(
                            epoch, totalEpochs, batch, batchesPerEpoch, iteration, totalIterations, loss, learningRate,
                            elapsed, elapsed / iteration * (totalIterations - iteration), null));
                    }
                }

                if (iteration == totalIterations)
                {
                    average?.CopyToTensors();
                }

                double seconds = Stopwatch.GetElapsedTime(epochStart).TotalSeconds;
                var (validationAccuracy, validationLoss) = validation?.Evaluate(Network, withLoss: true) ?? (double.NaN, double.NaN);
                var result = new EpochResult(
                    epoch,
                    batches,
                    lossSum / batches,
                    trainEvaluation?.Evaluate(Network, withLoss: false).Accuracy,
                    testEvaluation?.Evaluate(Network, withLoss: false).Accuracy,
                    validation is null ? null : validationLoss,
                    validation is null ? null : validationAccuracy,
                    learningRate,
                    seconds);
                epochs.Add(result);

                if (validation is not null)
                {
                    if (validationLoss < bestLoss)
                    {
                        bestLoss = validationLoss;
                        bestEpoch = epoch;
                        epochsWithoutImprovement = 0;
                        best?.Capture();
                    }
                    else
                    {
                        epochsWithoutImprovement++;
                        stoppedEarly = epochsWithoutImprovement >= Options.EarlyStoppingPatience && epoch < totalEpochs;
                    }
                }

                progress?.Report(new TrainingProgress(
                    epoch, totalEpochs, batches, batchesPerEpoch, iteration, totalIterations, batchLosses[^1], learningRate,
                    runClock.Elapsed, runClock.Elapsed / iteration * (totalIterations - iteration), result));
            }
        }
        finally
        {
            Optimizer.LearningRate = baseLearningRate;
        }

        if (best is not null && bestEpoch is not null && bestEpoch != epochs[^1].Epoch)
        {
            best.Restore();
        }

        return new TrainingHistory(epochs, batchLosses, bestEpoch, stoppedEarly, runClock.Elapsed.TotalSeconds);
    }

    /// <summary>Clips, decays and steps: everything between the gradients and the new parameter values.</summary>
    private void UpdateParameters()
    {
        if (Options.MaxGradientNorm is { } maxNorm)
        {
            GradientOperations.ClipByGlobalNorm(_parameters, maxNorm);
        }

        if (Options.WeightDecay > 0f)
        {
            GradientOperations.AddWeightDecay(_parameters, Options.WeightDecay);
        }

        Optimizer.Step();
    }

    private EvaluationSet? SubsetOrNull(LabeledDataset data, int[] indices, int? size)
    {
        int count = Math.Min(size ?? indices.Length, indices.Length);
        return count == 0 ? null : new EvaluationSet(data, indices[..count], Options.EvaluationBatchSize);
    }

    private void CheckFits(LabeledDataset data, string argumentName)
    {
        ArgumentNullException.ThrowIfNull(data, argumentName);
        var itemShape = Network.InputShape.ToArray();
        var expected = new TensorShape([data.Count, .. itemShape]);
        if (data.Inputs.Shape != expected)
        {
            throw new ArgumentException($"The network takes items shaped {Network.InputShape}, so inputs {expected}; got {data.Inputs.Shape}.", argumentName);
        }

        for (int i = 0; i < data.Count; i++)
        {
            if (data.LabelSpan[i] >= Network.ClassCount)
            {
                throw new ArgumentException(
                    $"Label {i} is {data.LabelSpan[i]}; the network scores {Network.ClassCount} classes (0 to {Network.ClassCount - 1}).", argumentName);
            }
        }
    }

    /// <summary>The name of the first parameter whose value (checked first, in network order) or gradient holds NaN or infinity.</summary>
    private string? FirstNonFiniteParameter()
    {
        foreach (var named in Network.Parameters)
        {
            if (!AllFinite(named.Parameter.Value.ReadOnlySpan))
            {
                return $"{named.Name} (value)";
            }
        }

        foreach (var named in Network.Parameters)
        {
            if (!AllFinite(named.Parameter.Gradient.ReadOnlySpan))
            {
                return $"{named.Name} (gradient)";
            }
        }

        return null;

        static bool AllFinite(ReadOnlySpan<float> values)
        {
            foreach (float value in values)
            {
                if (!float.IsFinite(value))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
