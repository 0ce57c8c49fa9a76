using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ConvNet.Core.Kernels;

/// <summary>
/// C[m×n] += A[m×k] · B[n×k]ᵀ when C is small and the rows are long, as in a convolution's weight gradient per
/// image (30 filters × 25 taps over 576 positions): blocks of dot products straight from the row-major
/// operands, with no packing, which would cost more than the arithmetic at this shape.
/// </summary>
internal static unsafe class RowDotProducts
{
    /// <summary>C (row stride n) += A·Bᵀ with A stored [m×k] and B stored [n×k].</summary>
    public static void MultiplyAddTransposed(float* a, float* b, float* c, int m, int n, int k)
    {
        if (Lanes512.IsSupported && Vector512.IsHardwareAccelerated)
        {
            RowDotProducts<Vector512<float>, Lanes512>.MultiplyAddTransposed(a, b, c, m, n, k);
        }
        else if (Lanes256.IsSupported)
        {
            RowDotProducts<Vector256<float>, Lanes256>.MultiplyAddTransposed(a, b, c, m, n, k);
        }
        else
        {
            RowDotProducts<Vector128<float>, Lanes128>.MultiplyAddTransposed(a, b, c, m, n, k);
        }
    }
}

/// <summary><see cref="RowDotProducts"/> for one instruction set.</summary>
internal static unsafe class RowDotProducts<TVector, TLanes>
    where TVector : struct
    where TLanes : struct, IFloatLanes<TVector>
{
    // 6 rows of A × 2 rows of B: twelve accumulators, the two B vectors and one A vector at a time fit the 16
    // AVX2 registers. The six A rows stay in L1 while B streams from L2 once per six rows of A: with fewer A rows,
    // B would be read from L2 more often than the FMA units can use it.
    private const int BlockRowsOfA = 6;
    private const int BlockRowsOfB = 2;

    /// <inheritdoc cref="RowDotProducts.MultiplyAddTransposed"/>
    public static void MultiplyAddTransposed(float* a, float* b, float* c, int m, int n, int k)
    {
        int row = 0;
        for (; row + BlockRowsOfA <= m; row += BlockRowsOfA)
        {
            int column = 0;
            for (; column + BlockRowsOfB <= n; column += BlockRowsOfB)
            {
                Block(a + ((long)row * k), b + ((long)column * k), c + ((long)row * n) + column, n, k);
            }

            for (int blockRow = row; blockRow < row + BlockRowsOfA; blockRow++)
            {
                AddDots(a, b, c, blockRow, column, n, k);
            }
        }

        for (; row < m; row++)
        {
            AddDots(a, b, c, row, 0, n, k);
        }
    }

    private static void AddDots(float* a, float* b, float* c, int row, int firstColumn, int n, int k)
    {
        var aRow = new ReadOnlySpan<float>(a + ((long)row * k), k);
        for (int column = firstColumn; column < n; column++)
        {
            c[((long)row * n) + column] += TensorPrimitives.Dot(aRow, new ReadOnlySpan<float>(b + ((long)column * k), k));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block(float* a, float* b, float* c, int cRowStride, int k)
    {
        int lanes = TLanes.Count;
        float* b1 = b + k;
        TVector s00 = TLanes.Zero, s01 = TLanes.Zero, s10 = TLanes.Zero, s11 = TLanes.Zero;
        TVector s20 = TLanes.Zero, s21 = TLanes.Zero, s30 = TLanes.Zero, s31 = TLanes.Zero;
        TVector s40 = TLanes.Zero, s41 = TLanes.Zero, s50 = TLanes.Zero, s51 = TLanes.Zero;
        // Whole vectors first, in a loop free of edge tests (the JIT does not hoist them), then one masked step.
        int p = 0;
        for (; p <= k - lanes; p += lanes)
        {
            float* column = a + p;
            TVector y0 = TLanes.Load(b + p);
            TVector y1 = TLanes.Load(b1 + p);
            TVector x = TLanes.Load(column);
            s00 = TLanes.MultiplyAdd(x, y0, s00);
            s01 = TLanes.MultiplyAdd(x, y1, s01);
            x = TLanes.Load(column + k);
            s10 = TLanes.MultiplyAdd(x, y0, s10);
            s11 = TLanes.MultiplyAdd(x, y1, s11);
            x = TLanes.Load(column + (2L * k));
            s20 = TLanes.MultiplyAdd(x, y0, s20);
            s21 = TLanes.MultiplyAdd(x, y1, s21);
            x = TLanes.Load(column + (3L * k));
            s30 = TLanes.MultiplyAdd(x, y0, s30);
            s31 = TLanes.MultiplyAdd(x, y1, s31);
            x = TLanes.Load(column + (4L * k));
            s40 = TLanes.MultiplyAdd(x, y0, s40);
            s41 = TLanes.MultiplyAdd(x, y1, s41);
            x = TLanes.Load(column + (5L * k));
            s50 = TLanes.MultiplyAdd(x, y0, s50);
            s51 = TLanes.MultiplyAdd(x, y1, s51);
        }

        if (p < k)
        {
            // Lanes past k load as zero and add nothing.
            int count = k - p;
            float* column = a + p;
            TVector y0 = TLanes.LoadFirst(b + p, count);
            TVector y1 = TLanes.LoadFirst(b1 + p, count);
            TVector x = TLanes.LoadFirst(column, count);
            s00 = TLanes.MultiplyAdd(x, y0, s00);
            s01 = TLanes.MultiplyAdd(x, y1, s01);
            x = TLanes.LoadFirst(column + k, count);
            s10 = TLanes.MultiplyAdd(x, y0, s10);
            s11 = TLanes.MultiplyAdd(x, y1, s11);
            x = TLanes.LoadFirst(column + (2L * k), count);
            s20 = TLanes.MultiplyAdd(x, y0, s20);
            s21 = TLanes.MultiplyAdd(x, y1, s21);
            x = TLanes.LoadFirst(column + (3L * k), count);
            s30 = TLanes.MultiplyAdd(x, y0, s30);
            s31 = TLanes.MultiplyAdd(x, y1, s31);
            x = TLanes.LoadFirst(column + (4L * k), count);
            s40 = TLanes.MultiplyAdd(x, y0, s40);
            s41 = TLanes.MultiplyAdd(x, y1, s41);
            x = TLanes.LoadFirst(column + (5L * k), count);
            s50 = TLanes.MultiplyAdd(x, y0, s50);
            s51 = TLanes.MultiplyAdd(x, y1, s51);
        }

        AddSums(c, s00, s01);
        AddSums(c + cRowStride, s10, s11);
        AddSums(c + (2L * cRowStride), s20, s21);
        AddSums(c + (3L * cRowStride), s30, s31);
        AddSums(c + (4L * cRowStride), s40, s41);
        AddSums(c + (5L * cRowStride), s50, s51);
    }

    private static void AddSums(float* c, TVector first, TVector second)
    {
        c[0] += TLanes.Sum(first);
        c[1] += TLanes.Sum(second);
    }
}
