using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace ConvNet.Core.Kernels;

/// <summary>
/// A fork-join loop over the machine's cores that allocates nothing per call, unlike <c>Parallel.For</c>:
/// the work is a static function pointer plus a pointer to the caller's (stack) arguments, and the worker
/// threads live for the whole process. The calling thread takes part in the work.
/// </summary>
/// <remarks>
/// One loop runs at a time. A call made while another is running (a second caller thread, or a loop body
/// that itself calls <see cref="Run"/>) runs its loop on its own thread, so kernels compose and concurrent
/// callers stay correct; they just do not get extra cores. <see cref="ThreadCount"/> (one worker fewer than the
/// cores, plus the caller, unless <see cref="SetThreadCount"/> says fewer) can change at any time; workers beyond it
/// sleep. After a loop a worker spins briefly (kernels come in quick succession during training), then blocks on
/// its semaphore: an idle pool uses no CPU.
/// Index 0 always runs on the caller; the others are claimed with a compare-and-swap on (generation, next index),
/// so that a part of the work pinned to an index stays on one thread's core. A new loop closes the old
/// generation's claims before it publishes its arguments, so that a late worker can never run an index of a
/// finished loop with the arguments of the next one (nor the next loop's index outside its claim).
/// </remarks>
internal static unsafe class WorkerPool
{
    // How long a worker keeps polling for the next loop after its last one, and how often it polls: a pause between
    // polls, not a long SpinWait (Thread.SpinWait(64) is ~5 µs on some CPUs, longer than a small kernel's whole loop).
    private static readonly long IdleSpinTicks = Stopwatch.Frequency / 1000;

    private static readonly int WorkerCount = Math.Max(0, Environment.ProcessorCount - 1);

    // Ints per cache line: RunInShares gives each share's counter a line of its own.
    private const int LineInts = 16;
    private static int _activeWorkers = WorkerCount;
    private static readonly Lock StartLock = new();
    private static SemaphoreSlim[]? _wakeSignals;
    private static int[]? _sleeping;
    private static long[]? _allocatedBytes;

    private static int _busy;
    private static int _generation;
    private static long _claimState;
    private static delegate*<void*, int, void> _body;
    private static void* _context;
    private static int _count;
    private static int _completed;
    private static Exception? _failure;

    [ThreadStatic]
    private static bool t_insideLoop;

    /// <summary>Threads a loop can use: the active workers plus the caller.</summary>
    public static int ThreadCount => Volatile.Read(ref _activeWorkers) + 1;

    /// <summary>The most threads a loop can be given: one per core.</summary>
    public static int MaxThreadCount => WorkerCount + 1;

    /// <summary>Workers started and now blocked (or about to block) until the next loop wakes them.</summary>
    public static int SleepingWorkers
    {
        get
        {
            int sleeping = 0;
            for (int worker = 0; _sleeping is not null && worker < _sleeping.Length; worker++)
            {
                sleeping += Volatile.Read(ref _sleeping[worker]);
            }

            return sleeping;
        }
    }

    /// <summary>Workers started so far (they start with the first loop that needs them).</summary>
    public static int StartedWorkers => _wakeSignals?.Length ?? 0;

    /// <summary>
    /// Threads a loop started on this thread would get: <see cref="ThreadCount"/>, or 1 inside a loop body, where a
    /// nested loop runs on its own thread (so kernels called per item can skip their multi-thread set-up).
    /// </summary>
    public static int AvailableThreads => t_insideLoop ? 1 : ThreadCount;

    /// <summary>
    /// Managed bytes the worker threads had allocated when they last finished an index (for tests that check the
    /// kernels allocate nothing; a process-wide counter would also count the test host's own threads).
    /// </summary>
    public static long WorkerAllocatedBytes
    {
        get
        {
            long sum = 0;
            for (int worker = 0; _allocatedBytes is not null && worker < _allocatedBytes.Length; worker++)
            {
                sum += Volatile.Read(ref _allocatedBytes[worker]);
            }

            return sum;
        }
    }

    /// <summary>Uses <paramref name="threads"/> threads per loop from the next loop on, the caller included.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is not in [1, <see cref="MaxThreadCount"/>].</exception>
    public static void SetThreadCount(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threads, MaxThreadCount);
        Volatile.Write(ref _activeWorkers, threads - 1);
    }

    /// <summary>Runs <paramref name="body"/>(<paramref name="context"/>, i) for every i in [0, count) and returns when all are done.</summary>
    /// <remarks><paramref name="context"/> must stay valid until the call returns (a pointer to a local is fine).</remarks>
    public static void Run(delegate*<void*, int, void> body, void* context, int count)
    {
        if (count <= 1 || Volatile.Read(ref _activeWorkers) == 0 || t_insideLoop || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            RunInline(body, context, count);
            return;
        }

        Exception? failure;
        try
        {
            EnsureWorkersStarted();

            // Close the finished loop's claim state before touching the arguments: a late worker may have read that
            // state and be about to claim "index = old count" with a compare-and-swap, reading _count, _body and
            // _context in between. Once the state names a closed generation (no index open), that swap fails, so
            // no worker can run the new loop's arguments outside its own claim. The exchange is a full fence. The
            // closed generation has its own number so that a worker that sees it still sees the open one as new.
            int closedGeneration = ++_generation;
            Interlocked.Exchange(ref _claimState, ((long)closedGeneration << 32) | int.MaxValue);
            _body = body;
            _context = context;
            _count = count;
            _completed = 0;
            _failure = null;
            // Index 0 is always the caller's (the workers' claims start at 1): a kernel that gives each part its own
            // share of a layer's weights finds the caller's share in the caller's core cache again next call.
            int generation = ++_generation;
            Volatile.Write(ref _claimState, ((long)generation << 32) | 1);
            WakeSleepingWorkers();
            RunIndex(body, context, 0, worker: -1);
            RunClaimedIndices(generation, worker: -1);

            var spinner = default(SpinWait);
            while (Volatile.Read(ref _completed) < count)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            failure = _failure;
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }

        if (failure is not null)
        {
            ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/>(<paramref name="context"/>, i) for every i in [0, <paramref name="count"/>) like <see cref="Run"/>,
    /// but each thread first takes the indices of its own share, one contiguous run of them, the same every call (share 0
    /// on the caller); a thread done with its share then takes what is left of the others, so a busy core holds up only
    /// the index it is running. A kernel whose index is an image thus keeps each image's data on one core from layer to
    /// layer and step to step.
    /// </summary>
    /// <remarks>
    /// When two cores do not share a last-level cache (a virtual machine's cores on different chiplets: a cache line's
    /// round trip between them took 350 ns here against 80–90 ns on one chiplet), a line one core writes and the other
    /// has read costs a cross-chip round trip. Claimed from one counter, about half of a batch's images changed cores
    /// from call to call, and the seed's training step took 3.4 ms in that state against 2.4–2.5 ms on one chiplet.
    /// Each share's counter has a cache line of its own, so taking one's own indices moves no line between cores.
    /// </remarks>
    public static void RunInShares(delegate*<void*, int, void> body, void* context, int count)
    {
        int threads = Math.Min(AvailableThreads, count);
        if (threads <= 1)
        {
            RunInline(body, context, count);
            return;
        }

        // Share s is indices [⌈count · s / threads⌉, ⌈count · (s + 1) / threads⌉); next[s · LineInts] is its next unclaimed index.
        int* next = stackalloc int[threads * LineInts];
        for (int share = 0; share < threads; share++)
        {
            next[share * LineInts] = ShareStart(count, threads, share);
        }

        var shares = new Shares { Body = body, Context = context, Count = count, Threads = threads, Next = next };
        Run(&RunShare, &shares, threads);
    }

    private static void RunShare(void* context, int share)
    {
        ref readonly Shares shares = ref *(Shares*)context;
        for (int offset = 0; offset < shares.Threads; offset++)
        {
            // Its own share first, then the others' leftovers in turn.
            int victim = (share + offset) % shares.Threads;
            int end = ShareStart(shares.Count, shares.Threads, victim + 1);
            int* next = shares.Next + (victim * LineInts);
            for (int index = Interlocked.Increment(ref *next) - 1; index < end; index = Interlocked.Increment(ref *next) - 1)
            {
                shares.Body(shares.Context, index);
            }
        }
    }

    private static int ShareStart(int count, int threads, int share) => (int)((((long)count * share) + threads - 1) / threads);

    private static void RunInline(delegate*<void*, int, void> body, void* context, int count)
    {
        bool wasInsideLoop = t_insideLoop;
        t_insideLoop = true;
        try
        {
            for (int index = 0; index < count; index++)
            {
                body(context, index);
            }
        }
        finally
        {
            t_insideLoop = wasInsideLoop;
        }
    }

    private static void RunClaimedIndices(int generation, int worker)
    {
        while (true)
        {
            long state = Volatile.Read(ref _claimState);
            if ((int)(state >> 32) != generation)
            {
                return;
            }

            delegate*<void*, int, void> body = _body;
            void* context = _context;
            int index = (int)state;
            if (index >= _count)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _claimState, state + 1, state) != state)
            {
                continue;
            }

            RunIndex(body, context, index, worker);
        }
    }

    /// <summary>Runs one index of the current loop and counts it as completed (a failure is kept for the caller).</summary>
    private static void RunIndex(delegate*<void*, int, void> body, void* context, int index, int worker)
    {
        t_insideLoop = true;
        try
        {
            body(context, index);
        }
#pragma warning disable CA1031 // The failure is rethrown on the calling thread.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Interlocked.CompareExchange(ref _failure, exception, null);
        }
        finally
        {
            t_insideLoop = false;
        }

        if (worker >= 0)
        {
            Volatile.Write(ref _allocatedBytes![worker], GC.GetAllocatedBytesForCurrentThread());
        }

        Interlocked.Increment(ref _completed);
    }

    private static void EnsureWorkersStarted()
    {
        if (_wakeSignals is not null)
        {
            return;
        }

        lock (StartLock)
        {
            if (_wakeSignals is not null)
            {
                return;
            }

            var signals = new SemaphoreSlim[WorkerCount];
            _sleeping = new int[WorkerCount];
            _allocatedBytes = new long[WorkerCount];
            for (int worker = 0; worker < WorkerCount; worker++)
            {
                signals[worker] = new SemaphoreSlim(0);
                int workerIndex = worker;
                var thread = new Thread(() => WorkerLoop(workerIndex))
                {
                    IsBackground = true,
                    Name = $"ConvNet worker {worker + 1}",
                };
                thread.Start();
            }

            Volatile.Write(ref _wakeSignals, signals);
        }
    }

    private static void WakeSleepingWorkers()
    {
        int active = Math.Min(WorkerCount, Volatile.Read(ref _activeWorkers));
        for (int worker = 0; worker < active; worker++)
        {
            if (Interlocked.Exchange(ref _sleeping![worker], 0) == 1)
            {
                _wakeSignals![worker].Release();
            }
        }
    }

    private static void WorkerLoop(int worker)
    {
        SpinWait.SpinUntil(() => Volatile.Read(ref _wakeSignals) is not null);
        int seenGeneration = 0;
        long spinDeadline = Stopwatch.GetTimestamp() + IdleSpinTicks;
        while (true)
        {
            int generation = (int)(Volatile.Read(ref _claimState) >> 32);
            bool active = worker < Volatile.Read(ref _activeWorkers);
            if (generation != seenGeneration)
            {
                seenGeneration = generation;
                if (active)
                {
                    RunClaimedIndices(generation, worker);
                    spinDeadline = Stopwatch.GetTimestamp() + IdleSpinTicks;
                    continue;
                }
            }

            // Kernels are called in quick succession (training steps, predictions); polling for about a millisecond
            // avoids a sleep/wake per call.
            if (active && Stopwatch.GetTimestamp() < spinDeadline)
            {
                Thread.SpinWait(1);
                continue;
            }

            // A worker beyond the thread count sleeps until a loop with a larger count wakes it.
            Interlocked.Exchange(ref _sleeping![worker], 1);
            if (!active || (int)(Volatile.Read(ref _claimState) >> 32) == seenGeneration)
            {
                _wakeSignals![worker].Wait();
            }

            Interlocked.Exchange(ref _sleeping[worker], 0);
            spinDeadline = Stopwatch.GetTimestamp() + IdleSpinTicks;
        }
    }

    /// <summary>The arguments of <see cref="RunInShares"/>, passed to the threads by pointer.</summary>
    private struct Shares
    {
        public delegate*<void*, int, void> Body;
        public void* Context;
        public int Count;
        public int Threads;
        public int* Next;
    }
}
