using ConvNet.Core.Tensors;

namespace ConvNet.Core.Layers;

/// <summary>
/// Output storage for inference-mode Forward, shared by all threads and bounded: a layer rents its output here; the
/// network returns it as soon as the next layer has consumed it, so a batch of predictions does not allocate (and
/// zero) megabytes of layer outputs per call and the garbage collector is not driven by inference.
/// </summary>
/// <remarks>
/// <para>Lengths are rounded up to size classes (a power of two times 1, 1.25, 1.5 or 1.75: at most 25 % spare) so
/// that batches of nearby sizes share arrays. The free arrays kept never total more than
/// <see cref="ConvNetRuntime.InferenceMemoryLimit"/> bytes: a returned array that does not fit evicts the free arrays
/// of the size classes used longest ago, or is left to the garbage collector. Size classes not rented for one
/// <see cref="IdleReleaseInterval"/> are released, so an idle process holds nothing after two intervals; the timer that
/// does it runs only while something is kept.</para>
/// <para>Thread-safe: a rented array belongs to one call until returned. Contents are not cleared, so a renting layer
/// must write every element of its output. Storage of the network's final output is not taken back.</para>
/// </remarks>
internal static class InferenceBuffers
{
    /// <summary>How long a size class may go unrented before its free arrays are released.</summary>
    public static readonly TimeSpan IdleReleaseInterval = TimeSpan.FromSeconds(5);

    /// <summary>The default of <see cref="ConvNetRuntime.InferenceMemoryLimit"/>: 128 MiB.</summary>
    public const long DefaultLimitBytes = 128L << 20;

    private const int SmallestClass = 64;

    private static readonly Lock Gate = new();
    private static readonly Dictionary<int, SizeClass> Classes = [];
    private static long _limitBytes = DefaultLimitBytes;
    private static long _pooledBytes;
    private static long _peakPooledBytes;
    private static long _useClock;
    private static ITimer? _releaseTimer;

    /// <summary>The bound on the bytes kept; lowering it releases free arrays at once.</summary>
    public static long LimitBytes
    {
        get
        {
            lock (Gate)
            {
                return _limitBytes;
            }
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            lock (Gate)
            {
                _limitBytes = value;
                EvictUntilFits(0, keep: null);
            }
        }
    }

    /// <summary>The bytes of the free arrays kept now.</summary>
    public static long PooledBytes
    {
        get
        {
            lock (Gate)
            {
                return _pooledBytes;
            }
        }
    }

    /// <summary>The most bytes kept at any time since the last <see cref="ResetPeak"/> (for tests and soak runs).</summary>
    public static long PeakPooledBytes
    {
        get
        {
            lock (Gate)
            {
                return _peakPooledBytes;
            }
        }
    }

    /// <summary>The clock that schedules idle releases (a test replaces it to drive the releases by hand).</summary>
    internal static TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>A tensor of <paramref name="shape"/> over reused (or new, uninitialized) storage of its size class.</summary>
    public static FloatTensor Rent(TensorShape shape)
    {
        int length = SizeClassOf(shape.ElementCount);
        float[]? storage = null;
        lock (Gate)
        {
            if (Classes.TryGetValue(length, out SizeClass? sizeClass))
            {
                sizeClass.LastUse = ++_useClock;
                sizeClass.RentedSinceRelease = true;
                if (sizeClass.Free.TryPop(out storage))
                {
                    _pooledBytes -= Bytes(length);
                }
            }
        }

        return FloatTensor.OverRecycledStorage(shape, storage ?? GC.AllocateUninitializedArray<float>(length));
    }

    /// <summary>Takes back the storage of a tensor from <see cref="Rent"/>; the caller must not use the tensor again.</summary>
    public static void Return(FloatTensor tensor)
    {
        if (!tensor.OwnsRecycledStorage)
        {
            return;
        }

        float[] storage = tensor.Storage;
        long bytes = Bytes(storage.Length);
        lock (Gate)
        {
            if (!Classes.TryGetValue(storage.Length, out SizeClass? sizeClass))
            {
                sizeClass = new SizeClass { LastUse = ++_useClock, RentedSinceRelease = true };
                Classes.Add(storage.Length, sizeClass);
            }

            // An array larger than the whole limit must not empty the pool on its way to the garbage collector.
            if (bytes > _limitBytes || !EvictUntilFits(bytes, keep: sizeClass))
            {
                return;
            }

            sizeClass.Free.Push(storage);
            _pooledBytes += bytes;
            _peakPooledBytes = Math.Max(_peakPooledBytes, _pooledBytes);
            if (_releaseTimer is null)
            {
                // The timer must not hold on to the caller's async-local state for the life of the pool.
                using (ExecutionContext.SuppressFlow())
                {
                    _releaseTimer = Clock.CreateTimer(static _ => ReleaseIdle(), null, IdleReleaseInterval, IdleReleaseInterval);
                }
            }
        }
    }

    /// <summary>Releases every free array now.</summary>
    public static void ReleaseAll()
    {
        lock (Gate)
        {
            foreach (SizeClass sizeClass in Classes.Values)
            {
                sizeClass.Free.Clear();
            }

            Classes.Clear();
            _pooledBytes = 0;
            StopTimer();
        }
    }

    /// <summary>Starts a new peak measurement from the bytes kept now.</summary>
    public static void ResetPeak()
    {
        lock (Gate)
        {
            _peakPooledBytes = _pooledBytes;
        }
    }

    /// <summary>
    /// One tick of the idle timer: releases the size classes nobody rented since the last tick, and stops the timer
    /// once nothing is kept.
    /// </summary>
    internal static void ReleaseIdle()
    {
        lock (Gate)
        {
            foreach ((int length, SizeClass sizeClass) in Classes)
            {
                if (!sizeClass.RentedSinceRelease)
                {
                    _pooledBytes -= Bytes(length) * sizeClass.Free.Count;
                    Classes.Remove(length);
                }

                sizeClass.RentedSinceRelease = false;
            }

            if (_pooledBytes == 0)
            {
                Classes.Clear();
                StopTimer();
            }
        }
    }

    /// <summary>The array length that serves <paramref name="count"/> elements: the next size class.</summary>
    internal static int SizeClassOf(int count)
    {
        if (count <= SmallestClass)
        {
            return SmallestClass;
        }

        // count lies in [2^k, 2^(k+1)); classes step by 2^k / 4 in that range.
        long step = (long)(1u << (31 - int.LeadingZeroCount(count))) / 4;
        long rounded = (count + step - 1) / step * step;
        return rounded <= Array.MaxLength ? (int)rounded : count;
    }

    /// <summary>Frees room for <paramref name="bytes"/> more by evicting the least recently used other classes' free arrays.</summary>
    /// <returns>Whether the bytes now fit under the limit.</returns>
    private static bool EvictUntilFits(long bytes, SizeClass? keep)
    {
        while (_pooledBytes + bytes > _limitBytes)
        {
            SizeClass? oldest = null;
            int oldestLength = 0;
            foreach ((int length, SizeClass sizeClass) in Classes)
            {
                if (sizeClass != keep && sizeClass.Free.Count > 0 && (oldest is null || sizeClass.LastUse < oldest.LastUse))
                {
                    (oldest, oldestLength) = (sizeClass, length);
                }
            }

            if (oldest is null)
            {
                return false;
            }

            oldest.Free.Pop();
            _pooledBytes -= Bytes(oldestLength);
        }

        return true;
    }

    private static void StopTimer()
    {
        _releaseTimer?.Dispose();
        _releaseTimer = null;
    }

    private static long Bytes(int length) => (long)length * sizeof(float);

    /// <summary>The free arrays of one length and when that length was last rented.</summary>
    private sealed class SizeClass
    {
        public Stack<float[]> Free { get; } = new();

        /// <summary>The value of the use clock at the last rental (larger = more recent).</summary>
        public long LastUse { get; set; }

        /// <summary>Whether the class was rented since the last idle tick.</summary>
        public bool RentedSinceRelease { get; set; }
    }
}
