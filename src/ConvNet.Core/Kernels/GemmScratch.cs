namespace ConvNet.Core.Kernels;

/// <summary>Per-thread packing memory of the GEMM, reused by every call on that thread.</summary>
internal static class GemmScratch
{
    [ThreadStatic]
    private static AlignedBuffer? t_packedA;

    [ThreadStatic]
    private static AlignedBuffer? t_packedB;

    [ThreadStatic]
    private static AlignedBuffer? t_partialProducts;

    /// <summary>Blocks of A packed by this thread for its own units.</summary>
    public static AlignedBuffer ForPackedA => t_packedA ??= new AlignedBuffer();

    /// <summary>Blocks of B packed by the thread that called the GEMM, shared with the workers.</summary>
    public static AlignedBuffer ForPackedB => t_packedB ??= new AlignedBuffer();

    /// <summary>Partial products of a depth-split GEMM, owned by the calling thread.</summary>
    public static AlignedBuffer ForPartialProducts => t_partialProducts ??= new AlignedBuffer();
}
