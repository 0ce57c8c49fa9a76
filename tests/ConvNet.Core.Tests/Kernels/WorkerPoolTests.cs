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

    private struct CountingContext
    {
        public int* Counts;
        public int Count;
        public int OutOfRange;
    }
}
