using System.Diagnostics;
using ConvNet.Core.Kernels;

namespace ConvNet.Core.Tests.Kernels;

/// <summary>The fork-join pool's contract: every index of a loop runs exactly once, with that loop's arguments, before Run returns.</summary>
[Collection(RunsAlone.Name)]
public unsafe class WorkerPoolTests
{
    [Fact]
    public void Back_to_back_loops_of_different_sizes_run_each_index_once_with_their_own_arguments()
    {
        // Loops follow each other as fast as training's kernels do, alternating a short and a long index range: the
        // moment a worker finishes one loop is the moment the caller publishes the next. A worker that claimed an
        // index of the next loop through the previous loop's claim state ran it twice (or with stale arguments) and
        // let Run return while that index was still running on a context that was about to die.
        const int Loops = 200_000;
        int* counts = stackalloc int[16];
        int wrong = 0;
        for (int loop = 0; loop < Loops && wrong == 0; loop++)
        {
            int count = loop % 2 == 0 ? 2 : 16;
            new Span<int>(counts, 16).Clear();
            var context = new CountingContext { Counts = counts, Count = count };
            WorkerPool.Run(&CountIndex, &context, count);
            for (int index = 0; index < 16; index++)
            {
                int expected = index < count ? 1 : 0;
                if (Volatile.Read(ref counts[index]) != expected || context.OutOfRange != 0)
                {
                    wrong = loop + 1;
                }
            }
        }

        wrong.Should().Be(0, "every loop runs indices [0, count) exactly once before Run returns (0 = no loop went wrong)");
    }

    [Fact]
    public void Index_zero_runs_on_the_calling_thread()
    {
        // Kernels that split a layer's weights into fixed parts rely on it: part 0 stays in the caller's core cache.
        int* threads = stackalloc int[4];
        for (int loop = 0; loop < 1000; loop++)
        {
            WorkerPool.Run(&RecordThread, threads, 4);
            threads[0].Should().Be(Environment.CurrentManagedThreadId);
        }
    }

    [Fact]
    public void Shares_run_each_index_once_whatever_the_count()
    {
        int* counts = stackalloc int[1000];
        foreach (int count in new[] { 1, 2, 3, 7, 16, 100, 1000 })
        {
            for (int loop = 0; loop < 200; loop++)
            {
                new Span<int>(counts, 1000).Clear();
                var context = new CountingContext { Counts = counts, Count = count };
                WorkerPool.RunInShares(&CountIndex, &context, count);
                context.OutOfRange.Should().Be(0);
                new Span<int>(counts, count).ToArray().Should().OnlyContain(c => c == 1, $"{count} indices, loop {loop}");
            }
        }
    }

    [Fact]
    public void Each_thread_takes_its_own_share_first()
    {
        // Four indices on two threads: the caller's share is [0, 2), the worker's [2, 4). Index 0 waits until the worker
        // has begun index 2, which waits until the caller has begun index 1: so both threads are inside their own shares
        // at once, and index 1 can only be the caller's next own index. Claimed from one counter, the worker would take
        // index 1 while the caller ran index 0. (A worker that never joins makes the waits time out; such a loop checks nothing.)
        if (WorkerPool.ThreadCount < 2)
        {
            return;
        }

        int* threads = stackalloc int[4];
        int* started = stackalloc int[4];
        // A loop whose worker never joins waits out its 5 s: two such loops end the test (at most ~20 s), checked below.
        int both = 0, timedOut = 0;
        for (int loop = 0; loop < 50 && timedOut < 2; loop++)
        {
            new Span<int>(started, 4).Clear();
            var context = new ShareContext { Threads = threads, Started = started };
            WorkerPool.RunInShares(&RecordShare, &context, 4);
            if (context.TimedOut == 0)
            {
                both++;
                threads[0].Should().Be(Environment.CurrentManagedThreadId, "share 0 is the caller's");
                threads[1].Should().Be(threads[0], "the caller takes its own share's next index before any other");
                threads[2].Should().NotBe(threads[0], "the worker began its own share while the caller ran index 0");
            }
            else
            {
                timedOut++;
            }
        }

        both.Should().BeGreaterThan(0, "on two cores the worker joins a loop within seconds before two loops wait in vain");
    }

    private static void RecordShare(void* context, int index)
    {
        ref ShareContext shares = ref *(ShareContext*)context;
        shares.Threads[index] = Environment.CurrentManagedThreadId;
        Volatile.Write(ref shares.Started[index], 1);
        int awaited = index switch { 0 => 2, 2 => 1, _ => -1 };
        long deadline = Stopwatch.GetTimestamp() + (5 * Stopwatch.Frequency);
        while (awaited >= 0 && Volatile.Read(ref shares.Started[awaited]) == 0)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                Interlocked.Exchange(ref shares.TimedOut, 1);
                return;
            }

            Thread.SpinWait(10);
        }
    }

    private static void RecordThread(void* context, int index) => ((int*)context)[index] = Environment.CurrentManagedThreadId;

    private static void CountIndex(void* context, int index)
    {
        ref CountingContext counting = ref *(CountingContext*)context;
        if (index >= counting.Count)
        {
            Interlocked.Increment(ref counting.OutOfRange);
            return;
        }

        Interlocked.Increment(ref counting.Counts[index]);
    }

    private struct ShareContext
    {
        public int* Threads;
        public int* Started;
        public int TimedOut;
    }

    private struct CountingContext
    {
        public int* Counts;
        public int Count;
        public int OutOfRange;
    }
}
