using System.Runtime.CompilerServices;

namespace ConvNet.Core.Kernels;

/// <summary>
/// Where row p of the GEMM micro-kernel's B operand starts. Implemented by structs, so the micro-kernel is specialized
/// per addressing and the lookup inlines.
/// </summary>
internal unsafe interface IMatrixRows
{
    /// <summary>The first element of row <paramref name="p"/>.</summary>
    float* Row(int p);
}

/// <summary>Rows <see cref="Stride"/> floats apart: a packed panel (stride = its width) or a row-major matrix read in place.</summary>
internal readonly unsafe struct StridedRows(float* start, int stride) : IMatrixRows
{
    public int Stride { get; } = stride;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float* Row(int p) => start + ((nint)p * Stride);
}

/// <summary>
/// Rows at <c>start + offsets[p]</c>: a convolution's patch rows that are shifted views of a few unrolled rows
/// (filter tap (ky, kx) reads the row of tap (0, kx) ky output rows further on), so most of the patch matrix is never written.
/// </summary>
internal readonly unsafe struct GatheredRows(float* start, int* offsets) : IMatrixRows
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float* Row(int p) => start + offsets[p];
}
