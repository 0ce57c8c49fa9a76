using ConvNet.Core.Kernels;
using ConvNet.Core.Layers;

namespace ConvNet.Core;

/// <summary>
/// The process-wide resources the library uses, and their limits: the threads its kernels run on and the memory it
/// keeps between predictions. Both are safe to change at any time, from any thread.
/// </summary>
/// <remarks>
/// <para><b>Threads.</b> Each kernel (a convolution over a batch, a large matrix product) is a fork-join loop over
/// <see cref="ThreadCount"/> threads: the calling thread and worker threads that start with the first such loop and
/// live as long as the process. Loops started by several callers at once, or from inside a loop, run on their
/// callers' threads. After a loop the workers spin for well under a millisecond, then block: a library that is not
/// computing uses no CPU. The number of partial sums in some products follows the thread count, so results can differ
/// in the last bits between thread counts (never between calls at one count).</para>
/// <para><b>Inference memory.</b> Inference-mode layers take their outputs from a shared pool and the networks give
/// them back as soon as the next layer has read them, so steady-state prediction allocates no layer outputs. Between
/// calls the pool keeps at most <see cref="InferenceMemoryLimit"/> bytes, whatever the mix of batch sizes and threads
/// (the least recently used sizes go first), and releases sizes nobody asked for during 5 s, so an idle process holds
/// none of it after 10 s. During a call the batch's live layer outputs come on top. Each thread that has run a kernel
/// also keeps scratch memory sized by the layer geometry, not the batch: packing panels of the matrix product (at most
/// about 4 MB, under 1 MB for the seed's network) and one image's patch matrix; it goes with the thread.</para>
/// </remarks>
public static class ConvNetRuntime
{
    /// <summary>The default <see cref="InferenceMemoryLimit"/>: 128 MiB.</summary>
    public const long DefaultInferenceMemoryLimit = InferenceBuffers.DefaultLimitBytes;

    /// <summary>Threads per kernel loop, the caller included: 1 to <see cref="MaxThreadCount"/>; by default one per core.</summary>
    /// <exception cref="ArgumentOutOfRangeException">On set: not in [1, <see cref="MaxThreadCount"/>].</exception>
    public static int ThreadCount
    {
        get => WorkerPool.ThreadCount;
        set => WorkerPool.SetThreadCount(value);
    }

    /// <summary>The most threads a kernel loop can use: the processor count.</summary>
    public static int MaxThreadCount => WorkerPool.MaxThreadCount;

    /// <summary>
    /// The most bytes of inference buffers kept between calls; <see cref="DefaultInferenceMemoryLimit"/> by default, 0 to
    /// keep none (every prediction then allocates its layer outputs). Lowering it releases the excess at once.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">On set: negative.</exception>
    public static long InferenceMemoryLimit
    {
        get => InferenceBuffers.LimitBytes;
        set => InferenceBuffers.LimitBytes = value;
    }

    /// <summary>The bytes of inference buffers kept now (at most <see cref="InferenceMemoryLimit"/>).</summary>
    public static long InferenceMemoryKept => InferenceBuffers.PooledBytes;

    /// <summary>Releases every kept inference buffer now (for example after a burst of large batches).</summary>
    public static void ReleaseInferenceMemory() => InferenceBuffers.ReleaseAll();
}
