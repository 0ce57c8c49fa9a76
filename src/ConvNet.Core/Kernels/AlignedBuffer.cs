namespace ConvNet.Core.Kernels;

/// <summary>
/// Grow-only float scratch memory on the pinned object heap, 64-byte aligned, for one thread's kernel work.
/// Kernels keep one per thread (thread-static), so steady-state calls allocate nothing.
/// </summary>
internal sealed unsafe class AlignedBuffer
{
    private const int AlignmentFloats = 16;

    // Held so the pinned array stays alive as long as the pointer into it is used.
    private float[] _storage = [];

    /// <summary>The start of the usable memory, aligned to 64 bytes.</summary>
    public float* Pointer { get; private set; }

    /// <summary>Returns at least <paramref name="length"/> floats of scratch memory (contents unspecified).</summary>
    public float* Ensure(int length)
    {
        if (Pointer is null || _storage.Length - AlignmentFloats < length)
        {
            _storage = GC.AllocateUninitializedArray<float>(length + AlignmentFloats, pinned: true);
            fixed (float* start = _storage)
            {
                Pointer = (float*)(((nint)start + 63) & ~(nint)63);
            }
        }

        return Pointer;
    }
}
