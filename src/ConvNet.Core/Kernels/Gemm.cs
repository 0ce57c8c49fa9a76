using System.Numerics.Tensors;

namespace ConvNet.Core.Kernels;

/// <summary>
/// Single-precision matrix products on row-major spans, in the three forms layers need.
/// Every form computes C = op(A)·op(B), or C += op(A)·op(B) when <c>accumulate</c> is true.
/// </summary>
internal static class Gemm
{
    /// <summary>C[m×n] = A[m×k] · B[k×n].</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        CheckSizes(a.Length, m * k, b.Length, k * n, c.Length, m * n);
        if (!accumulate)
        {
            c[..(m * n)].Clear();
        }

        for (int row = 0; row < m; row++)
        {
            Span<float> cRow = c.Slice(row * n, n);
            for (int p = 0; p < k; p++)
            {
                TensorPrimitives.MultiplyAdd(b.Slice(p * n, n), a[(row * k) + p], cRow, cRow);
            }
        }
    }

    /// <summary>C[m×n] = Aᵀ · B with A stored [k×m] and B stored [k×n].</summary>
    public static void MultiplyTransposedA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        CheckSizes(a.Length, k * m, b.Length, k * n, c.Length, m * n);
        if (!accumulate)
        {
            c[..(m * n)].Clear();
        }

        for (int p = 0; p < k; p++)
        {
            ReadOnlySpan<float> bRow = b.Slice(p * n, n);
            for (int row = 0; row < m; row++)
            {
                Span<float> cRow = c.Slice(row * n, n);
                TensorPrimitives.MultiplyAdd(bRow, a[(p * m) + row], cRow, cRow);
            }
        }
    }

    /// <summary>C[m×n] = A · Bᵀ with A stored [m×k] and B stored [n×k].</summary>
    public static void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        CheckSizes(a.Length, m * k, b.Length, n * k, c.Length, m * n);
        for (int row = 0; row < m; row++)
        {
            ReadOnlySpan<float> aRow = a.Slice(row * k, k);
            for (int column = 0; column < n; column++)
            {
                float dot = TensorPrimitives.Dot(aRow, b.Slice(column * k, k));
                c[(row * n) + column] = accumulate ? c[(row * n) + column] + dot : dot;
            }
        }
    }

    private static void CheckSizes(int aLength, int aNeeded, int bLength, int bNeeded, int cLength, int cNeeded)
    {
        // Internal callers pass exact sizes; a mismatch is a library bug, so fail loudly rather than read stale memory.
        if (aLength < aNeeded || bLength < bNeeded || cLength < cNeeded)
        {
            throw new ArgumentException(
                $"GEMM operand too small: A has {aLength} of {aNeeded}, B has {bLength} of {bNeeded}, C has {cLength} of {cNeeded} elements.");
        }
    }
}
