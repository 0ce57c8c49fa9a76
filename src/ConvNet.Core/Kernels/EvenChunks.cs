namespace ConvNet.Core.Kernels;

/// <summary>
/// A run of <c>length</c> floats cut into chunks for <see cref="WorkerPool.RunInShares"/> so that each core's share is an
/// equal part of the run, for element-wise kernels (the optimizers' updates).
/// </summary>
/// <remarks>
/// The kernels that fill a parameter's gradient hand each core an equal part of it too (the GEMM's row blocks: an affine
/// layer's 4320 weight rows as rows 0–2159 and 2160–4319 on two cores), and so does the forward pass that reads the
/// weights next (the GEMM's depth halves). Chunks of a fixed length put the cores' boundary elsewhere: 27 chunks of 16,384
/// floats gave the first core 14 of them, rows 0–2293, so 134 rows of gradient and weights crossed between the cores every
/// step. Here every share holds the same number of chunks, and chunk boundaries are ⌊i · length / count⌋ rounded down to
/// whole 64-byte lines (16 floats).
/// </remarks>
internal readonly struct EvenChunks
{
    /// <summary>Floats per chunk, about: large enough that the hand-off is noise, small enough to balance the cores.</summary>
    public const int TargetLength = 1 << 14;

    private const int LineFloats = 16;

    private readonly int _length;

    private EvenChunks(int length, int count)
    {
        _length = length;
        Count = count;
    }

    /// <summary>The chunks: a multiple of the cores a loop would use, or one when the run fits in one chunk.</summary>
    public int Count { get; }

    /// <summary>Cuts <paramref name="length"/> floats for the cores a loop started now would use.</summary>
    public static EvenChunks Of(int length)
    {
        if (length <= TargetLength)
        {
            return new EvenChunks(length, 1);
        }

        long threads = Math.Max(1, WorkerPool.AvailableThreads);
        long perShare = (length + (threads * TargetLength) - 1) / (threads * TargetLength);
        return new EvenChunks(length, (int)(threads * perShare));
    }

    /// <summary>Where chunk <paramref name="chunk"/> starts (0 ≤ chunk ≤ <see cref="Count"/>; chunk Count starts at the end).</summary>
    public int Start(int chunk) => chunk >= Count ? _length : (int)((long)chunk * _length / Count) & ~(LineFloats - 1);
}
