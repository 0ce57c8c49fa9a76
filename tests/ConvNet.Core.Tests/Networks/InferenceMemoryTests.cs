using System.Collections.Concurrent;
using ConvNet.Core.Kernels;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;
using Xunit.Abstractions;

namespace ConvNet.Core.Tests.Networks;

// The pool, its clock, the thread count and the process-wide memory figures are shared by every test: these run
// alone, in the non-parallel collection.
[Collection(RunsAlone.Name)]
public sealed unsafe class InferenceMemoryTests(ITestOutputHelper output) : IDisposable
{
    private readonly long _limitBefore = ConvNetRuntime.InferenceMemoryLimit;
    private readonly int _threadsBefore = ConvNetRuntime.ThreadCount;

    public void Dispose()
    {
        InferenceBuffers.Clock = TimeProvider.System;
        ConvNetRuntime.ReleaseInferenceMemory();
        ConvNetRuntime.InferenceMemoryLimit = _limitBefore;
        ConvNetRuntime.ThreadCount = _threadsBefore;
    }

    [Fact]
    public void Eight_threads_with_random_batch_sizes_leave_retained_memory_under_the_cap_and_a_fixed_batch_allocates_nothing()
    {
        const long Cap = 48L << 20;
        var network = SimpleConvNet.Create(seed: 7);
        FloatTensor images = TestTensors.Uniform(new Random(7), 256, 1, 28, 28);
        network.Predict(images.SliceBatch(0, 100));   // starts the workers and warms their scratch
        ConvNetRuntime.ReleaseInferenceMemory();
        ConvNetRuntime.InferenceMemoryLimit = Cap;
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        InferenceBuffers.ResetPeak();

        // Dedicated threads, so their own kernel scratch leaves with them and what remains is what the library keeps.
        var threads = Enumerable.Range(0, 8).Select(thread => new Thread(() =>
        {
            var random = new Random(thread);
            for (int call = 0; call < 16; call++)
            {
                network.Predict(images.SliceBatch(0, random.Next(1, 257)));
            }
        })).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        long retained = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        output.WriteLine(
            $"cap {Cap >> 20} MiB; peak kept {InferenceBuffers.PeakPooledBytes / 1048576.0:F1} MiB; kept now {ConvNetRuntime.InferenceMemoryKept / 1048576.0:F1} MiB; " +
            $"retained after a full GC {retained / 1048576.0:F1} MiB");
        InferenceBuffers.PeakPooledBytes.Should().BeLessThanOrEqualTo(Cap);
        retained.Should().BeLessThan(Cap + (2L << 20), "the pool keeps at most the cap; 2 MiB covers the runtime's own bookkeeping");

        // Without the cap the same run kept every size it saw (732 MB for the batch sizes 1 to 100 alone). With it, the
        // pool still serves a steady fixed batch from what it keeps: the layer outputs are reused, not allocated.
        FloatTensor batch = images.SliceBatch(0, 100);
        network.Predict(batch);
        long before = GC.GetAllocatedBytesForCurrentThread();
        network.Predict(batch);
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(16 * 1024, "only the returned scores (4 kB) and small objects are new");
    }

    [Fact]
    public void The_pool_keeps_the_most_recently_used_sizes_under_the_limit_and_never_an_array_larger_than_it()
    {
        ConvNetRuntime.ReleaseInferenceMemory();
        // Size classes: 100,000 → 114,688 floats (448 KiB), 120,000 → 131,072 (512 KiB), 140,000 → 163,840 (640 KiB),
        // 400,000 → 393,216 + 65,536 (1.75 MiB).
        ConvNetRuntime.InferenceMemoryLimit = 1280L << 10;
        FloatTensor first = InferenceBuffers.Rent(new TensorShape(100_000));
        FloatTensor second = InferenceBuffers.Rent(new TensorShape(120_000));
        FloatTensor third = InferenceBuffers.Rent(new TensorShape(140_000));
        FloatTensor huge = InferenceBuffers.Rent(new TensorShape(400_000));

        InferenceBuffers.Return(first);
        InferenceBuffers.Return(second);
        ConvNetRuntime.InferenceMemoryKept.Should().Be(4L * (first.Storage.Length + second.Storage.Length));
        InferenceBuffers.Return(third);   // evicts the class rented longest ago: first's
        InferenceBuffers.Return(huge);    // larger than the limit: left to the garbage collector

        ConvNetRuntime.InferenceMemoryKept.Should().Be(4L * (second.Storage.Length + third.Storage.Length));
        InferenceBuffers.Rent(new TensorShape(140_000)).Storage.Should().BeSameAs(third.Storage);
        InferenceBuffers.Rent(new TensorShape(120_000)).Storage.Should().BeSameAs(second.Storage);
        InferenceBuffers.Rent(new TensorShape(100_000)).Storage.Should().NotBeSameAs(first.Storage);
        ConvNetRuntime.InferenceMemoryKept.Should().Be(0);

        InferenceBuffers.Return(second);
        ConvNetRuntime.InferenceMemoryLimit = 0;
        ConvNetRuntime.InferenceMemoryKept.Should().Be(0, "lowering the limit releases the excess at once");
    }

    [Fact]
    public void Size_classes_waste_at_most_a_quarter_and_let_nearby_batch_sizes_share_arrays()
    {
        int previous = 0;
        foreach (int count in Enumerable.Range(1, 5000).Concat([1_728_000, 1 << 24, (1 << 24) + 1, Array.MaxLength]))
        {
            int length = InferenceBuffers.SizeClassOf(count);
            length.Should().BeGreaterThanOrEqualTo(count).And.BeGreaterThanOrEqualTo(previous);
            ((double)length).Should().BeLessThanOrEqualTo(Math.Max(64, count * 1.25));
            previous = length;
        }

        // A convolution output [N, 30, 24, 24] for N = 93 … 101 fits one class.
        Enumerable.Range(93, 9).Select(n => InferenceBuffers.SizeClassOf(n * 30 * 24 * 24)).Distinct().Should().ContainSingle();
    }

    [Fact]
    public void Sizes_nobody_rents_for_one_interval_are_released_and_the_timer_stops()
    {
        ConvNetRuntime.ReleaseInferenceMemory();
        var clock = new ManualClock();
        InferenceBuffers.Clock = clock;
        var network = SimpleConvNet.Create(seed: 3);
        FloatTensor images = TestTensors.Uniform(new Random(3), 20, 1, 28, 28);
        network.Predict(images);
        clock.Timer.Should().NotBeNull("keeping buffers arms the idle timer");
        clock.Timer!.Period.Should().Be(InferenceBuffers.IdleReleaseInterval);
        long kept = ConvNetRuntime.InferenceMemoryKept;
        kept.Should().BeGreaterThan(0);

        clock.Timer.Tick();   // everything was rented since the timer started
        ConvNetRuntime.InferenceMemoryKept.Should().Be(kept);
        network.Predict(images.SliceBatch(0, 3));   // other sizes: the batch-20 classes stay unused
        clock.Timer.Tick();
        ConvNetRuntime.InferenceMemoryKept.Should().BeLessThan(kept).And.BeGreaterThan(0);
        clock.Timer.Disposed.Should().BeFalse();

        clock.Timer.Tick();   // idle for a whole interval
        ConvNetRuntime.InferenceMemoryKept.Should().Be(0);
        clock.Timer.Disposed.Should().BeTrue("an idle pool schedules nothing");
    }

    [Fact]
    public void One_thread_runs_every_index_on_the_caller_and_idle_workers_sleep()
    {
        ConvNetRuntime.ThreadCount = 1;
        RecordingBody.Threads.Clear();
        WorkerPool.Run(&RecordingBody.Record, null, 64);
        RecordingBody.Threads.Keys.Should().Equal(Environment.CurrentManagedThreadId);

        ConvNetRuntime.ThreadCount = ConvNetRuntime.MaxThreadCount;
        WorkerPool.Run(&RecordingBody.Record, null, 64);
        FluentActions.Invoking(() => ConvNetRuntime.ThreadCount = 0).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => ConvNetRuntime.ThreadCount = ConvNetRuntime.MaxThreadCount + 1).Should().Throw<ArgumentOutOfRangeException>();

        // After the loop every started worker blocks on its semaphore: nothing spins while the library is idle.
        SpinWait.SpinUntil(() => WorkerPool.SleepingWorkers == WorkerPool.StartedWorkers, TimeSpan.FromSeconds(60));
        WorkerPool.SleepingWorkers.Should().Be(WorkerPool.StartedWorkers);
    }

    private static class RecordingBody
    {
        public static readonly ConcurrentDictionary<int, bool> Threads = new();

        public static void Record(void* context, int index) => Threads[Environment.CurrentManagedThreadId] = true;
    }

    /// <summary>A clock whose one timer fires when the test says.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public ManualTimer? Timer { get; private set; }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            Timer = new ManualTimer(() => callback(state), period);
    }

    private sealed class ManualTimer(Action tick, TimeSpan period) : ITimer
    {
        public TimeSpan Period { get; } = period;

        public bool Disposed { get; private set; }

        public void Tick() => tick();

        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose() => Disposed = true;

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
