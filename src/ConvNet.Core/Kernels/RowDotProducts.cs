using System.Numerics.Tensors;
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
    // 3 rows of A × 4 rows of B: twelve accumulators and seven loads per step fit the 16 AVX2 registers.
    private const int BlockRowsOfA = 3;
    private const int BlockRowsOfB = 4;

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

    private static void Block(float* a, float* b, float* c, int cRowStride, int k)
    {
        int lanes = TLanes.Count;
        float* a1 = a + k, a2 = a + (2L * k);
        float* b1 = b + k, b2 = b + (2L * k), b3 = b + (3L * k);
        TVector s00 = TLanes.Zero, s01 = TLanes.Zero, s02 = TLanes.Zero, s03 = TLanes.Zero;
        TVector s10 = TLanes.Zero, s11 = TLanes.Zero, s12 = TLanes.Zero, s13 = TLanes.Zero;
        TVector s20 = TLanes.Zero, s21 = TLanes.Zero, s22 = TLanes.Zero, s23 = TLanes.Zero;
        int p = 0;
        for (; p <= k - lanes; p += lanes)
        {
            TVector x0 = TLanes.Load(a + p), x1 = TLanes.Load(a1 + p), x2 = TLanes.Load(a2 + p);
            TVector y = TLanes.Load(b + p);
            s00 = TLanes.MultiplyAdd(x0, y, s00);
            s10 = TLanes.MultiplyAdd(x1, y, s10);
            s20 = TLanes.MultiplyAdd(x2, y, s20);
            y = TLanes.Load(b1 + p);
            s01 = TLanes.MultiplyAdd(x0, y, s01);
            s11 = TLanes.MultiplyAdd(x1, y, s11);
            s21 = TLanes.MultiplyAdd(x2, y, s21);
            y = TLanes.Load(b2 + p);
            s02 = TLanes.MultiplyAdd(x0, y, s02);
            s12 = TLanes.MultiplyAdd(x1, y, s12);
            s22 = TLanes.MultiplyAdd(x2, y, s22);
            y = TLanes.Load(b3 + p);
            s03 = TLanes.MultiplyAdd(x0, y, s03);
            s13 = TLanes.MultiplyAdd(x1, y, s13);
            s23 = TLanes.MultiplyAdd(x2, y, s23);
        }

        if (p < k)
        {
            // The tail as one more masked step: lanes past k load as zero.
            int count = k - p;
            TVector x0 = TLanes.LoadFirst(a + p, count), x1 = TLanes.LoadFirst(a1 + p, count), x2 = TLanes.LoadFirst(a2 + p, count);
            TVector y = TLanes.LoadFirst(b + p, count);
            s00 = TLanes.MultiplyAdd(x0, y, s00);
            s10 = TLanes.MultiplyAdd(x1, y, s10);
            s20 = TLanes.MultiplyAdd(x2, y, s20);
            y = TLanes.LoadFirst(b1 + p, count);
            s01 = TLanes.MultiplyAdd(x0, y, s01);
            s11 = TLanes.MultiplyAdd(x1, y, s11);
            s21 = TLanes.MultiplyAdd(x2, y, s21);
            y = TLanes.LoadFirst(b2 + p, count);
            s02 = TLanes.MultiplyAdd(x0, y, s02);
            s12 = TLanes.MultiplyAdd(x1, y, s12);
            s22 = TLanes.MultiplyAdd(x2, y, s22);
            y = TLanes.LoadFirst(b3 + p, count);
            s03 = TLanes.MultiplyAdd(x0, y, s03);
            s13 = TLanes.MultiplyAdd(x1, y, s13);
            s23 = TLanes.MultiplyAdd(x2, y, s23);
        }

        float* c1 = c + cRowStride, c2 = c + (2L * cRowStride);
        c[0] += TLanes.Sum(s00);
        c[1] += TLanes.Sum(s01);
        c[2] += TLanes.Sum(s02);
        c[3] += TLanes.Sum(s03);
        c1[0] += TLanes.Sum(s10);
        c1[1] += TLanes.Sum(s11);
        c1[2] += TLanes.Sum(s12);
        c1[3] += TLanes.Sum(s13);
        c2[0] += TLanes.Sum(s20);
        c2[1] += TLanes.Sum(s21);
        c2[2] += TLanes.Sum(s22);
        c2[3] += TLanes.Sum(s23);
    }
}
