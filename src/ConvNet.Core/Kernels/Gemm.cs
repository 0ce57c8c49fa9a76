using System.Runtime.Intrinsics;

namespace ConvNet.Core.Kernels;

/// <summary>
/// Single-precision matrix products on row-major spans, in the three forms layers need.
/// Every form computes C = op(A)·op(B), or C += op(A)·op(B) when <c>accumulate</c> is true.
/// </summary>
/// <remarks>
/// Transposed operands are read in place (see <see cref="StridedMatrix"/>), never copied into a transpose.
/// The widest instruction set the machine runs natively is chosen once: AVX-512, else AVX2 with FMA, else
/// portable 128-bit vectors. Steady-state calls allocate nothing; concurrent callers are safe.
/// </remarks>
internal static unsafe class Gemm
{
    /// <summary>C[m×n] = A[m×k] · B[k×n].</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        CheckSizes(a.Length, m, k, b.Length, k, n, c.Length, m, n);
        fixed (float* aData = a, bData = b, cData = c)
        {
            Run(StridedMatrix.RowMajor(aData, k), StridedMatrix.RowMajor(bData, n), cData, m, k, n, accumulate);
        }
    }

    /// <summary>
    /// C[m×n] = A[m×k] · B[k×n] like <see cref="Multiply"/>, except that a small C with a long depth is split by depth
    /// between the threads, so its last bits depend on the thread count: for training, whose inference twin must keep
    /// <see cref="Multiply"/>'s bits.
    /// </summary>
    public static void MultiplyForTraining(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        CheckSizes(a.Length, m, k, b.Length, k, n, c.Length, m, n);
        fixed (float* aData = a, bData = b, cData = c)
        {
            Run(StridedMatrix.RowMajor(aData, k), StridedMatrix.RowMajor(bData, n), cData, m, k, n, accumulate: false, splitLongDepth: true);
        }
    }

    /// <summary>C[m×n] = Aᵀ · B with A stored [k×m] and B stored [k×n].</summary>
    public static void MultiplyTransposedA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        CheckSizes(a.Length, k, m, b.Length, k, n, c.Length, m, n);
        fixed (float* aData = a, bData = b, cData = c)
        {
            Run(StridedMatrix.Transposed(aData, m), StridedMatrix.RowMajor(bData, n), cData, m, k, n, accumulate);
        }
    }

    /// <summary>C[m×n] = A · Bᵀ with A stored [m×k] and B stored [n×k].</summary>
    public static void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        CheckSizes(a.Length, m, k, b.Length, n, k, c.Length, m, n);
        fixed (float* aData = a, bData = b, cData = c)
        {
            Run(StridedMatrix.RowMajor(aData, k), StridedMatrix.Transposed(bData, k), cData, m, k, n, accumulate);
        }
    }

    private static void Run(StridedMatrix a, StridedMatrix b, float* c, int m, int k, int n, bool accumulate, bool splitLongDepth = false)
    {
        if (Lanes512.IsSupported && Vector512.IsHardwareAccelerated)
        {
            GemmDriver<Vector512<float>, Lanes512>.Multiply(a, b, c, m, k, n, accumulate, splitLongDepth);
        }
        else if (Lanes256.IsSupported)
        {
            GemmDriver<Vector256<float>, Lanes256>.Multiply(a, b, c, m, k, n, accumulate, splitLongDepth);
        }
        else
        {
            GemmDriver<Vector128<float>, Lanes128>.Multiply(a, b, c, m, k, n, accumulate, splitLongDepth);
        }
    }

    private static void CheckSizes(
        int aLength, int aRows, int aColumns, int bLength, int bRows, int bColumns, int cLength, int cRows, int cColumns)
    {
        // Internal callers pass exact sizes; a mismatch is a library bug, so fail loudly rather than read stale memory.
        if (aRows < 0 || aColumns < 0 || bRows < 0 || bColumns < 0
            || aLength < (long)aRows * aColumns || bLength < (long)bRows * bColumns || cLength < (long)cRows * cColumns)
        {
            throw new ArgumentException(
                $"GEMM operands do not fit: A is {aRows}×{aColumns} in {aLength}, B is {bRows}×{bColumns} in {bLength}, "
                + $"C is {cRows}×{cColumns} in {cLength} elements.");
        }
    }
}
