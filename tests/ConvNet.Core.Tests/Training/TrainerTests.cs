using ConvNet.Core.Data;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Optimizers;
using ConvNet.Core.Tensors;
using ConvNet.Core.Tests.TestNetworks;
using ConvNet.Core.Training;

namespace ConvNet.Core.Tests.Training;

public class TrainerTests
{
    private sealed class ListProgress : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = [];

        public Action<TrainingProgress>? OnReport { get; init; }

        public void Report(TrainingProgress value)
        {
            Reports.Add(value);
            OnReport?.Invoke(value);
        }
    }

    private static RecordingNetwork Recording(float? fixedGradient = null, Queue<float>? scriptedLosses = null) =>
        new(new LinearSoftmaxNetwork(inputSize: 3, classCount: 4)) { FixedGradient = fixedGradient, ScriptedLosses = scriptedLosses };

    private static Trainer NewTrainer(RecordingNetwork network, TrainerOptions options, float learningRate = 0.01f) =>
        new(network, new Sgd(network, learningRate), options);

    [Fact]
    public void Training_reaches_a_low_loss_and_high_accuracy_on_separable_blobs()
    {
        var network = new LinearSoftmaxNetwork(inputSize: 3, classCount: 4);
        var trainer = new Trainer(network, new Adam(network, 0.05f), new TrainerOptions { Epochs = 15, BatchSize = 20, Seed = 3 });

        var history = trainer.Train(SyntheticData.Blobs(400, seed: 1, withIds: false), SyntheticData.Blobs(200, seed: 2, withIds: false));

        history.Epochs.Should().HaveCount(15);
        history.Epochs[0].Loss.Should().BeGreaterThan(0.3);
        history.Epochs[^1].Loss.Should().BeLessThan(0.1);
        history.Epochs[^1].TestAccuracy.Should().BeGreaterThanOrEqualTo(0.97);
        history.TrainAccuracies.Should().HaveCount(15).And.OnlyContain(accuracy => accuracy >= 0 && accuracy <= 1);
        history.BatchLosses.Should().HaveCount(15 * 20);
        history.Epochs.Should().OnlyContain(epoch => epoch.Seconds >= 0 && epoch.LearningRate == 0.05f);
    }

    [Fact]
    public void Each_epoch_visits_every_item_once_in_a_fresh_order()
    {
        var network = Recording();
        NewTrainer(network, new TrainerOptions { Epochs = 3, BatchSize = 4, Seed = 5 }).Train(SyntheticData.Blobs(12, seed: 1));

        network.TrainingBatches.Should().HaveCount(9).And.OnlyContain(batch => batch.Length == 4);
        var epochs = network.TrainingBatches.Chunk(3).Select(batches => batches.SelectMany(batch => batch).ToArray()).ToArray();
        foreach (var epoch in epochs)
        {
            epoch.Should().BeEquivalentTo(Enumerable.Range(0, 12).Select(id => (float)id));
        }

        epochs[0].Should().NotEqual(epochs[1]);
        epochs[1].Should().NotEqual(epochs[2]);
    }

    [Fact]
    public void The_last_partial_batch_of_an_epoch_is_left_out()
    {
        var network = Recording();
        var history = NewTrainer(network, new TrainerOptions { Epochs = 4, BatchSize = 4 }).Train(SyntheticData.Blobs(10, seed: 1));

        history.BatchLosses.Should().HaveCount(8);
        history.Epochs.Should().OnlyContain(epoch => epoch.Iterations == 2);
        network.TrainingBatches.Chunk(2).Should().OnlyContain(epoch => epoch.SelectMany(batch => batch).Distinct().Count() == 8);
        network.TrainingBatches.SelectMany(batch => batch).Distinct().Should().HaveCount(10, "reshuffling reaches the left-over items in later epochs");
    }

    [Fact]
    public void The_same_seed_repeats_a_run_and_another_seed_changes_it()
    {
        float[] Run(int seed, out TrainingHistory history)
        {
            var network = Recording();
            history = NewTrainer(network, new TrainerOptions { Epochs = 2, BatchSize = 5, Seed = seed }, 0.1f).Train(SyntheticData.Blobs(20, seed: 1));
            return network.Inner.Layer.Weight.ToArray();
        }

        var first = Run(1, out var firstHistory);
        var again = Run(1, out var againHistory);
        var other = Run(2, out var otherHistory);
        again.Should().Equal(first);
        againHistory.BatchLosses.Should().Equal(firstHistory.BatchLosses);
        otherHistory.BatchLosses.Should().NotEqual(firstHistory.BatchLosses);
        other.Should().NotEqual(first);
    }

    [Fact]
    public void Iterations_set_the_run_length_ending_in_a_partial_epoch()
    {
        var network = Recording();
        var history = NewTrainer(network, new TrainerOptions { Epochs = 1, BatchSize = 4, Iterations = 5 }).Train(SyntheticData.Blobs(8, seed: 1));

        history.BatchLosses.Should().HaveCount(5);
        history.Epochs.Select(epoch => epoch.Iterations).Should().Equal(2, 2, 1);
        history.Epochs.Select(epoch => epoch.Epoch).Should().Equal(1, 2, 3);
    }

    [Fact]
    public void Evaluation_uses_the_requested_subsets()
    {
        var network = Recording();
        var history = NewTrainer(network, new TrainerOptions { Epochs = 2, BatchSize = 4, TrainEvaluationSize = 5, TestEvaluationSize = 0, EvaluationBatchSize = 3 })
            .Train(SyntheticData.Blobs(12, seed: 1), SyntheticData.Blobs(8, seed: 2));

        network.AccuracyCalls.Should().Equal(3, 2, 3, 2);
        history.Epochs.Should().OnlyContain(epoch => epoch.TrainAccuracy != null && epoch.TestAccuracy == null && epoch.ValidationLoss == null);
        history.TestAccuracies.Should().OnlyContain(accuracy => double.IsNaN(accuracy));

        var full = Recording();
        NewTrainer(full, new TrainerOptions { Epochs = 1, BatchSize = 4 }).Train(SyntheticData.Blobs(12, seed: 1), SyntheticData.Blobs(8, seed: 2));
        full.AccuracyCalls.Should().Equal(12, 8);
    }

    [Fact]
    public void Progress_reports_every_step_and_every_epoch()
    {
        var progress = new ListProgress();
        var history = NewTrainer(Recording(), new TrainerOptions { Epochs = 2, BatchSize = 4 }).Train(SyntheticData.Blobs(12, seed: 1), progress: progress);

        progress.Reports.Should().HaveCount(6 + 2);
        progress.Reports.Where(report => report.CompletedEpoch is null).Select(report => report.Iteration).Should().Equal(1, 2, 3, 4, 5, 6);
        progress.Reports.Where(report => report.CompletedEpoch is null).Select(report => report.Batch).Should().Equal(1, 2, 3, 1, 2, 3);
        progress.Reports.Where(report => report.CompletedEpoch is not null).Select(report => report.CompletedEpoch).Should().Equal(history.Epochs);
        progress.Reports.Should().OnlyContain(report => report.TotalEpochs == 2 && report.TotalIterations == 6 && report.BatchesPerEpoch == 3);
        progress.Reports[2].Loss.Should().Be(history.BatchLosses[2]);
        progress.Reports[^1].EstimatedRemaining.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public void Cancellation_stops_before_the_next_step()
    {
        using var cancellation = new CancellationTokenSource();
        var network = Recording();
        var progress = new ListProgress { OnReport = report => { if (report.Iteration == 3) { cancellation.Cancel(); } } };

        FluentActions.Invoking(() => NewTrainer(network, new TrainerOptions { Epochs = 5, BatchSize = 4 })
                .Train(SyntheticData.Blobs(12, seed: 1), progress: progress, cancellationToken: cancellation.Token))
            .Should().Throw<OperationCanceledException>();
        network.TrainingBatches.Should().HaveCount(3);
    }

    [Fact]
    public void Epochs_asking_for_more_steps_than_a_run_can_count_are_refused_with_a_clear_message()
    {
        // 3 mini-batches per epoch: 1,000,000,000 epochs are 3e9 steps.
        FluentActions.Invoking(() => NewTrainer(Recording(), new TrainerOptions { Epochs = 1_000_000_000, BatchSize = 4 })
                .Train(SyntheticData.Blobs(12, seed: 1)))
            .Should().Throw<ArgumentException>().WithMessage("1,000,000,000 epochs of 3 mini-batches are 3,000,000,000 steps*fewer epochs*");
    }

    [Fact]
    public void The_largest_iteration_count_starts_without_reserving_memory_for_every_step()
    {
        using var cancellation = new CancellationTokenSource();
        var network = Recording();
        var progress = new ListProgress { OnReport = report => { if (report.Iteration == 2) { cancellation.Cancel(); } } };

        FluentActions.Invoking(() => NewTrainer(network, new TrainerOptions { Iterations = int.MaxValue, BatchSize = 4 })
                .Train(SyntheticData.Blobs(12, seed: 1), progress: progress, cancellationToken: cancellation.Token))
            .Should().Throw<OperationCanceledException>();
        network.TrainingBatches.Should().HaveCount(2);
    }

    [Fact]
    public void A_non_finite_loss_stops_training_naming_epoch_batch_and_parameter()
    {
        var network = Recording();
        network.Inner.Layer.Weight[1, 2] = float.NaN;

        FluentActions.Invoking(() => NewTrainer(network, new TrainerOptions { Epochs = 2, BatchSize = 4 }).Train(SyntheticData.Blobs(12, seed: 1)))
            .Should().Throw<TrainingDivergedException>()
            .Where(e => e.Epoch == 1 && e.Batch == 1 && e.ParameterName == "linear.weight (value)" && float.IsNaN(e.Loss))
            .WithMessage("*epoch 1, batch 1*linear.weight*");
    }

    [Fact]
    public void Divergence_mid_run_is_caught_before_the_optimizer_spreads_it()
    {
        // With the first feature an id up to 11 and a learning rate of 1e37, the scores overflow within a few steps.
        var network = Recording();
        var trainer = NewTrainer(network, new TrainerOptions { Epochs = 10, BatchSize = 4 }, 1e37f);

        var exception = FluentActions.Invoking(() => trainer.Train(SyntheticData.Blobs(12, seed: 1)))
            .Should().Throw<TrainingDivergedException>().Which;
        (exception.Epoch > 1 || exception.Batch > 1).Should().BeTrue("the first loss is finite");
        exception.Message.Should().Contain($"epoch {exception.Epoch}, batch {exception.Batch}");
    }

    [Fact]
    public void The_validation_split_is_never_trained_on_and_is_measured_each_epoch()
    {
        var network = Recording();
        var history = NewTrainer(network, new TrainerOptions { Epochs = 3, BatchSize = 4, ValidationFraction = 0.25, Seed = 9 })
            .Train(SyntheticData.Blobs(16, seed: 1));

        var trained = network.TrainingBatches.SelectMany(batch => batch).Distinct().ToArray();
        var validated = network.LossItems.Distinct().ToArray();
        trained.Should().HaveCount(12);
        validated.Should().HaveCount(4);
        trained.Should().NotIntersectWith(validated);
        network.LossItems.Should().HaveCount(3 * 4);
        history.Epochs.Should().OnlyContain(epoch => epoch.ValidationLoss > 0 && epoch.ValidationAccuracy >= 0);
        history.BestEpoch.Should().NotBeNull();
    }

    [Fact]
    public void Early_stopping_ends_after_the_patience_and_restores_the_best_epoch()
    {
        var network = Recording(scriptedLosses: new Queue<float>([1.0f, 0.5f, 0.6f, 0.7f, 0.1f]));
        var weightsAfterEpoch = new Dictionary<int, float[]>();
        var progress = new ListProgress
        {
            OnReport = report =>
            {
                if (report.CompletedEpoch is { } epoch)
                {
                    weightsAfterEpoch[epoch.Epoch] = network.Inner.Layer.Weight.ToArray();
                }
            },
        };

        var history = NewTrainer(network, new TrainerOptions { Epochs = 10, BatchSize = 4, ValidationFraction = 0.25, EarlyStoppingPatience = 2 }, 0.5f)
            .Train(SyntheticData.Blobs(16, seed: 1), progress: progress);

        history.StoppedEarly.Should().BeTrue();
        history.Epochs.Should().HaveCount(4);
        history.BestEpoch.Should().Be(2);
        history.Epochs.Select(epoch => epoch.ValidationLoss).Should().Equal(1.0, 0.5, 0.6000000238418579, 0.699999988079071);
        weightsAfterEpoch[4].Should().NotEqual(weightsAfterEpoch[2]);
        network.Inner.Layer.Weight.ToArray().Should().Equal(weightsAfterEpoch[2]);
    }

    [Fact]
    public void A_step_schedule_sets_the_rate_per_epoch_and_the_base_rate_comes_back()
    {
        var network = Recording();
        var optimizer = new Sgd(network, 0.1f);
        var progress = new ListProgress();
        new Trainer(network, optimizer, new TrainerOptions { Epochs = 4, BatchSize = 4, Schedule = new StepSchedule(2, 0.5f) })
            .Train(SyntheticData.Blobs(12, seed: 1), progress: progress);

        progress.Reports.Where(report => report.CompletedEpoch is null).Select(report => report.LearningRate)
            .Should().Equal(0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f);
        optimizer.LearningRate.Should().Be(0.1f);
    }

    [Fact]
    public void Weight_decay_shrinks_weights_but_not_biases()
    {
        var network = Recording(fixedGradient: 0f);
        network.Inner.Layer.Bias.Span.Fill(1f);
        var initial = network.Inner.Layer.Weight.ToArray();

        NewTrainer(network, new TrainerOptions { Epochs = 1, BatchSize = 4, WeightDecay = 0.5f }, 0.1f).Train(SyntheticData.Blobs(12, seed: 1));

        // Three SGD steps on a gradient of 0 + 0.5 * w: w ← w (1 − 0.1 · 0.5), three times.
        var weights = network.Inner.Layer.Weight.ToArray();
        for (int i = 0; i < initial.Length; i++)
        {
            ((double)weights[i]).Should().BeApproximately(initial[i] * Math.Pow(0.95, 3), 1e-7);
        }

        network.Inner.Layer.Bias.ToArray().Should().OnlyContain(bias => bias == 1f);
    }

    [Fact]
    public void Gradient_clipping_limits_each_step_to_the_maximum_norm()
    {
        var network = Recording(fixedGradient: 10f);
        var before = network.Inner.Layer.Weight.ToArray().Concat(network.Inner.Layer.Bias.ToArray()).ToArray();

        NewTrainer(network, new TrainerOptions { Epochs = 1, BatchSize = 12, MaxGradientNorm = 2f }, 1f).Train(SyntheticData.Blobs(12, seed: 1));

        var after = network.Inner.Layer.Weight.ToArray().Concat(network.Inner.Layer.Bias.ToArray()).ToArray();
        double stepNorm = Math.Sqrt(before.Zip(after, (b, a) => (double)(a - b) * (a - b)).Sum());
        stepNorm.Should().BeApproximately(2.0, 1e-5);
    }

    [Fact]
    public void Weight_averaging_leaves_the_moving_average_of_the_steps_in_the_network()
    {
        var network = Recording(fixedGradient: 1f);
        float[] initial = [.. network.Inner.Layer.Weight.ToArray(), .. network.Inner.Layer.Bias.ToArray()];

        NewTrainer(network, new TrainerOptions { Epochs = 1, BatchSize = 4, WeightAveragingDecay = 0.2f }, 0.1f).Train(SyntheticData.Blobs(12, seed: 1));

        // Steps t = 1, 2, 3 move every value by −0.1 t; d = min(0.2, (1 + t) / (10 + t)) = 2/11, 0.2, 0.2, so the
        // average's offset goes 9/11 · −0.1, then 0.2 · that + 0.8 · −0.2, then 0.2 · that + 0.8 · −0.3.
        double offset = 9.0 / 11 * -0.1;
        offset = (0.2 * offset) + (0.8 * -0.2);
        offset = (0.2 * offset) + (0.8 * -0.3);
        float[] averaged = [.. network.Inner.Layer.Weight.ToArray(), .. network.Inner.Layer.Bias.ToArray()];
        for (int i = 0; i < initial.Length; i++)
        {
            ((double)averaged[i]).Should().BeApproximately(initial[i] + offset, 1e-6);
        }
    }

    [Fact]
    public void Weight_averaging_averages_batch_normalization_statistics_with_the_parameters()
    {
        Sequential Network() => new SequentialBuilder(new TensorShape(1, 8, 8))
            .Convolution(4, kernelSize: 3).BatchNormalization().Relu().MaxPool(2).Affine(3).Build(new SoftmaxWithLoss(), seed: 1);
        IReadOnlyList<float[]> Tensors(Sequential network) =>
            [.. network.Parameters.Select(named => named.Parameter.Value.ToArray()),
             .. network.Layers.OfType<BatchNormalization>().SelectMany(layer => layer.State).Select(state => state.Value.ToArray())];
        var options = new TrainerOptions { BatchSize = 20, Iterations = 1 };
        var data = SyntheticImages.Lines(40, seed: 3);
        Sequential plain = Network(), averaged = Network();
        IReadOnlyList<float[]> before = Tensors(plain);

        new Trainer(plain, new Adam(plain, 0.01f), options).Train(data);
        new Trainer(averaged, new Adam(averaged, 0.01f), options with { WeightAveragingDecay = 0.99f }).Train(data);

        // One step: d = min(0.99, 2/11), so every tensor, running statistics included, is 2/11 · before + 9/11 · after.
        IReadOnlyList<float[]> after = Tensors(plain), result = Tensors(averaged);
        result.Should().HaveCount(8);
        for (int t = 0; t < result.Count; t++)
        {
            after[t].Should().NotEqual(before[t]);
            for (int i = 0; i < result[t].Length; i++)
            {
                result[t][i].Should().BeApproximately((2f / 11 * before[t][i]) + (9f / 11 * after[t][i]), 1e-6f);
            }
        }
    }

    [Fact]
    public void Augmentation_changes_training_batches_only()
    {
        var network = Recording();
        var augmentation = new ShiftIdsAugmentation();
        NewTrainer(network, new TrainerOptions { Epochs = 1, BatchSize = 4, Augmentation = augmentation, ValidationFraction = 0.25 })
            .Train(SyntheticData.Blobs(16, seed: 1));

        augmentation.Calls.Should().Be(3);
        network.TrainingBatches.SelectMany(batch => batch).Should().OnlyContain(id => id >= 1000);
        network.LossItems.Should().OnlyContain(id => id < 1000);
    }

    private sealed class ShiftIdsAugmentation : IBatchAugmentation
    {
        public int Calls { get; private set; }

        public void Apply(FloatTensor source, FloatTensor destination)
        {
            Calls++;
            source.ReadOnlySpan.CopyTo(destination.Span);
            for (int n = 0; n < source.Shape[0]; n++)
            {
                destination[n, 0] += 1000;
            }
        }
    }

    [Fact]
    public void Bad_options_and_data_that_does_not_fit_are_refused()
    {
        var network = Recording();
        FluentActions.Invoking(() => NewTrainer(network, new TrainerOptions { BatchSize = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "BatchSize").WithMessage("*got 0*");
        FluentActions.Invoking(() => NewTrainer(network, new TrainerOptions { ValidationFraction = 1 }))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "ValidationFraction");
        FluentActions.Invoking(() => NewTrainer(network, new TrainerOptions { EarlyStoppingPatience = 2 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*ValidationFraction*");
        FluentActions.Invoking(() => NewTrainer(network, new TrainerOptions { MaxGradientNorm = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "MaxGradientNorm");
        FluentActions.Invoking(() => NewTrainer(network, new TrainerOptions { WeightAveragingDecay = 1f }))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "WeightAveragingDecay").WithMessage("*(0, 1)*");

        FluentActions.Invoking(() => new Trainer(network, new Sgd([network.Parameters[0].Parameter])))
            .Should().Throw<ArgumentException>().WithMessage("*'linear.bias'*");

        var trainer = NewTrainer(network, new TrainerOptions { BatchSize = 4 });
        FluentActions.Invoking(() => trainer.Train(new LabeledDataset(new FloatTensor(8, 5), new int[8])))
            .Should().Throw<ArgumentException>().WithMessage("*[3]*[8, 3]*[8, 5]*");
        var badLabels = SyntheticData.Blobs(8, seed: 1);
        FluentActions.Invoking(() => trainer.Train(new LabeledDataset(badLabels.Inputs, [0, 1, 2, 3, 4, 0, 1, 2])))
            .Should().Throw<ArgumentException>().WithMessage("*Label 4 is 4*4 classes*");
        FluentActions.Invoking(() => trainer.Train(SyntheticData.Blobs(3, seed: 1)))
            .Should().Throw<ArgumentException>().WithMessage("*batch size 4 exceeds the 3*");
    }
}

[Collection(RunsAlone.Name)]
public class TrainerAllocationTests
{
    private sealed class CountingProgress : IProgress<TrainingProgress>
    {
        public int Count { get; private set; }

        public void Report(TrainingProgress value) => Count++;
    }

    [Fact]
    public void Steps_allocate_nothing_beyond_the_loss_history()
    {
        long AllocatedBytes(int iterations)
        {
            var network = new ConstantGradientNetwork();
            var options = new TrainerOptions
            {
                BatchSize = 4, Iterations = iterations, TrainEvaluationSize = 0, MaxGradientNorm = 1f, WeightDecay = 0.1f, WeightAveragingDecay = 0.9f,
                Schedule = new CosineSchedule(),
            };
            var trainer = new Trainer(network, new Momentum(network), options);
            var data = new LabeledDataset(new FloatTensor(40, 2), new int[40]);
            long before = GC.GetAllocatedBytesForCurrentThread();
            trainer.Train(data, progress: new CountingProgress());
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        AllocatedBytes(10);
        long few = AllocatedBytes(10);
        long many = AllocatedBytes(1010);

        // 1,000 more steps over 100 more epochs may add the loss history (4 bytes a step, allocated up front) and a
        // few hundred bytes per epoch (its result and shuffle); one small object per step would exceed this.
        (many - few).Should().BeLessThan((1000 * 4) + (100 * 200));
    }
}
