using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ConvNet.Core.Kernels;

/// <summary>
/// The innermost GEMM step: a <see cref="PanelRows"/> × <see cref="PanelColumns"/> block of C computed from
/// packed panels of A and B, with all twelve accumulators held in registers across the whole depth.
/// Per k it loads two registers of B and broadcasts six values of A: 12 fused multiply-adds for 8 loads.
/// </summary>
internal static unsafe class GemmMicroKernel<TVector, TLanes>
    where TVector : struct
    where TLanes : struct, IFloatLanes<TVector>
{
    /// <summary>Rows of C per micro-tile.</summary>
    public const int PanelRows = 6;

    /// <summary>Columns of C per micro-tile: two registers.</summary>
    public static int PanelColumns => 2 * TLanes.Count;

    /// <summary>
    /// C[rows × columns] (row stride <paramref name="cRowStride"/>) = or += packed A panel · packed B panel over
    /// <paramref name="depth"/>; rows ≤ <see cref="PanelRows"/> and columns ≤ <see cref="PanelColumns"/> handle the edges.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static void Multiply(int depth, float* packedA, float* packedB, float* c, int cRowStride, int rows, int columns, bool accumulate)
    {
        if (rows == PanelRows && columns == PanelColumns)
        {
            MultiplyTile(depth, packedA, new StridedRows(packedB, PanelColumns), c, cRowStride, accumulate);
            return;
        }

        int lanes = TLanes.Count;
        if (columns <= lanes)
        {
            // A narrow edge (an affine layer's 100 outputs leave 4 columns past three full panels) is computed in the
            // narrowest register that holds it: a full tile there costs as much as 32 columns, 30 % of that product.
            if (columns <= Lanes256.Count && lanes > Lanes256.Count && Lanes256.IsSupported)
            {
                GemmMicroKernel<Vector256<float>, Lanes256>.MultiplyNarrow(depth, packedA, packedB, PanelColumns, c, cRowStride, rows, columns, accumulate);
            }
            else
            {
                MultiplyNarrow(depth, packedA, packedB, PanelColumns, c, cRowStride, rows, columns, accumulate);
            }

            return;
        }

        // Edge tile: compute the whole tile into scratch, then copy the part inside C with masked stores.
        int width = PanelColumns;
        float* tile = stackalloc float[(PanelRows * width) + 16];
        tile = (float*)(((nint)tile + 63) & ~(nint)63);
        MultiplyTile(depth, packedA, new StridedRows(packedB, width), tile, width, accumulate: false);
        for (int row = 0; row < rows; row++)
        {
            float* source = tile + (row * width);
            float* target = c + ((long)row * cRowStride);
            for (int column = 0; column < columns; column += lanes)
            {
                int count = Math.Min(lanes, columns - column);
                TVector value = TLanes.Load(source + column);
                if (count == lanes)
                {
                    TLanes.Store(target + column, accumulate ? TLanes.Add(value, TLanes.Load(target + column)) : value);
                }
                else
                {
                    TLanes.StoreFirst(target + column, accumulate ? TLanes.Add(value, TLanes.LoadFirst(target + column, count)) : value, count);
                }
            }
        }
    }

    /// <summary>
    /// A full <see cref="PanelRows"/> × <see cref="PanelColumns"/> tile of C (row stride <paramref name="cRowStride"/>)
    /// = or += a packed A panel · <see cref="PanelColumns"/> columns of B whose rows <paramref name="b"/> locates: a packed
    /// panel, or rows laid out by the caller (a convolution's band of patches) and read in place.
    /// </summary>
    /// <remarks>
    /// Kept free of calls and edge branches so the JIT holds all twelve accumulators in registers. Each output is one
    /// fused multiply-add chain over p from zero, added to C at the end when accumulating.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyTile<TRows>(int depth, float* packedA, TRows b, float* c, int cRowStride, bool accumulate)
        where TRows : struct, IMatrixRows
    {
        int lanes = TLanes.Count;
        TVector c00 = TLanes.Zero, c01 = TLanes.Zero, c10 = TLanes.Zero, c11 = TLanes.Zero;
        TVector c20 = TLanes.Zero, c21 = TLanes.Zero, c30 = TLanes.Zero, c31 = TLanes.Zero;
        TVector c40 = TLanes.Zero, c41 = TLanes.Zero, c50 = TLanes.Zero, c51 = TLanes.Zero;
        for (int p = 0; p < depth; p++)
        {
            float* row = b.Row(p);
            TVector b0 = TLanes.Load(row);
            TVector b1 = TLanes.Load(row + lanes);
            TVector a = TLanes.Broadcast(packedA[0]);
            c00 = TLanes.MultiplyAdd(a, b0, c00);
            c01 = TLanes.MultiplyAdd(a, b1, c01);
            a = TLanes.Broadcast(packedA[1]);
            c10 = TLanes.MultiplyAdd(a, b0, c10);
            c11 = TLanes.MultiplyAdd(a, b1, c11);
            a = TLanes.Broadcast(packedA[2]);
            c20 = TLanes.MultiplyAdd(a, b0, c20);
            c21 = TLanes.MultiplyAdd(a, b1, c21);
            a = TLanes.Broadcast(packedA[3]);
            c30 = TLanes.MultiplyAdd(a, b0, c30);
            c31 = TLanes.MultiplyAdd(a, b1, c31);
            a = TLanes.Broadcast(packedA[4]);
            c40 = TLanes.MultiplyAdd(a, b0, c40);
            c41 = TLanes.MultiplyAdd(a, b1, c41);
            a = TLanes.Broadcast(packedA[5]);
            c50 = TLanes.MultiplyAdd(a, b0, c50);
            c51 = TLanes.MultiplyAdd(a, b1, c51);
            packedA += PanelRows;
        }

        StoreRow(c, c00, c01, accumulate);
        StoreRow(c + cRowStride, c10, c11, accumulate);
        StoreRow(c + (2L * cRowStride), c20, c21, accumulate);
        StoreRow(c + (3L * cRowStride), c30, c31, accumulate);
        StoreRow(c + (4L * cRowStride), c40, c41, accumulate);
        StoreRow(c + (5L * cRowStride), c50, c51, accumulate);
    }

    /// <summary>
    /// C[rows × columns] (columns ≤ one register) = or += a packed A panel · the first columns of a packed B panel
    /// whose rows lie <paramref name="bRowStride"/> floats apart: six accumulators, each output the same fused multiply-add
    /// chain over p from zero as in <see cref="MultiplyTile"/>, added to C at the end when accumulating.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyNarrow(int depth, float* packedA, float* packedB, int bRowStride, float* c, int cRowStride, int rows, int columns, bool accumulate)
    {
        TVector c0 = TLanes.Zero, c1 = TLanes.Zero, c2 = TLanes.Zero, c3 = TLanes.Zero, c4 = TLanes.Zero, c5 = TLanes.Zero;
        for (int p = 0; p < depth; p++)
        {
            TVector b = TLanes.Load(packedB);
            packedB += bRowStride;
            c0 = TLanes.MultiplyAdd(TLanes.Broadcast(packedA[0]), b, c0);
            c1 = TLanes.MultiplyAdd(TLanes.Broadcast(packedA[1]), b, c1);
            c2 = TLanes.MultiplyAdd(TLanes.Broadcast(packedA[2]), b, c2);
            c3 = TLanes.MultiplyAdd(TLanes.Broadcast(packedA[3]), b, c3);
            c4 = TLanes.MultiplyAdd(TLanes.Broadcast(packedA[4]), b, c4);
            c5 = TLanes.MultiplyAdd(TLanes.Broadcast(packedA[5]), b, c5);
            packedA += PanelRows;
        }

        // Rows past the edge (the packed panel's zero padding) are computed and dropped.
        FloatLanes<TVector, TLanes>.StoreOrAdd(c, c0, columns, accumulate);
        if (rows > 1)
        {
            FloatLanes<TVector, TLanes>.StoreOrAdd(c + cRowStride, c1, columns, accumulate);
        }

        if (rows > 2)
        {
            FloatLanes<TVector, TLanes>.StoreOrAdd(c + (2L * cRowStride), c2, columns, accumulate);
        }

        if (rows > 3)
        {
            FloatLanes<TVector, TLanes>.StoreOrAdd(c + (3L * cRowStride), c3, columns, accumulate);
        }

        if (rows > 4)
        {
            FloatLanes<TVector, TLanes>.StoreOrAdd(c + (4L * cRowStride), c4, columns, accumulate);
        }

        if (rows > 5)
        {
            FloatLanes<TVector, TLanes>.StoreOrAdd(c + (5L * cRowStride), c5, columns, accumulate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, TVector low, TVector high, bool accumulate)
    {
        int lanes = TLanes.Count;
        if (accumulate)
        {
            low = TLanes.Add(low, TLanes.Load(c));
            high = TLanes.Add(high, TLanes.Load(c + lanes));
        }

        TLanes.Store(c, low);
        TLanes.Store(c + lanes, high);
    }
}
