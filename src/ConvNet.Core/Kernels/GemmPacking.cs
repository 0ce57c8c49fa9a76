using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConvNet.Core.Kernels;

/// <summary>
/// Copies blocks of the GEMM operands into the order the micro-kernel reads them: A as panels of
/// <see cref="GemmMicroKernel{TVector, TLanes}.PanelRows"/> rows (for each k, those rows' values side by side),
/// B as panels of <see cref="GemmMicroKernel{TVector, TLanes}.PanelColumns"/> columns (for each k, that row segment).
/// Panels past the matrix edge are zero-filled, so the micro-kernel never branches on the edge while multiplying.
/// Because operands are <see cref="StridedMatrix"/> views, transposed operands are packed in place of a transpose.
/// </summary>
internal static unsafe class GemmPacking<TVector, TLanes>
    where TVector : struct
    where TLanes : struct, IFloatLanes<TVector>
{
    private const int PanelRows = GemmMicroKernel<TVector, TLanes>.PanelRows;

    private static int PanelColumns => GemmMicroKernel<TVector, TLanes>.PanelColumns;

    /// <summary>Packs rows [firstRow, firstRow + rowCount) × columns [firstDepth, firstDepth + depth) of A.</summary>
    public static void PackA(StridedMatrix a, int firstRow, int rowCount, int firstDepth, int depth, float* destination)
    {
        for (int panelRow = 0; panelRow < rowCount; panelRow += PanelRows)
        {
            int rows = Math.Min(PanelRows, rowCount - panelRow);
            float* source = a.At(firstRow + panelRow, firstDepth);
            float* panel = destination + ((long)panelRow * depth);
            if (a.ColumnStride == 1)
            {
                PackRowsOfRowMajor(source, a.RowStride, rows, depth, panel);
            }
            else
            {
                PackRowsOfStrided(source, a.RowStride, a.ColumnStride, rows, depth, panel);
            }
        }
    }

    /// <summary>Packs rows [firstDepth, firstDepth + depth) × columns [firstColumn, firstColumn + columnCount) of B.</summary>
    public static void PackB(StridedMatrix b, int firstDepth, int depth, int firstColumn, int columnCount, float* destination)
    {
        int width = PanelColumns;
        for (int panelColumn = 0; panelColumn < columnCount; panelColumn += width)
        {
            int columns = Math.Min(width, columnCount - panelColumn);
            float* source = b.At(firstDepth, firstColumn + panelColumn);
            float* panel = destination + ((long)panelColumn * depth);
            if (b.ColumnStride == 1)
            {
                PackColumnsOfRowMajor(source, b.RowStride, columns, depth, panel);
            }
            else
            {
                PackColumnsOfStrided(source, b.RowStride, b.ColumnStride, columns, depth, panel);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackRowsOfRowMajor(float* source, int rowStride, int rows, int depth, float* panel)
    {
        // Read the panel's rows side by side so that every read stream and the write stream stay sequential.
        float* row0 = source;
        float* row1 = rows > 1 ? source + rowStride : row0;
        float* row2 = rows > 2 ? source + (2L * rowStride) : row0;
        float* row3 = rows > 3 ? source + (3L * rowStride) : row0;
        float* row4 = rows > 4 ? source + (4L * rowStride) : row0;
        float* row5 = rows > 5 ? source + (5L * rowStride) : row0;
        int p = 0;
        if (Sse2.IsSupported)
        {
            // Four depths at a time: a 4×4 transpose of rows 0–3 plus the pairs of rows 4–5, written as 24 floats.
            for (; p <= depth - 4; p += 4)
            {
                Vector128<float> r0 = Vector128.Load(row0 + p), r1 = Vector128.Load(row1 + p), r2 = Vector128.Load(row2 + p);
                Vector128<float> r3 = Vector128.Load(row3 + p), r4 = Vector128.Load(row4 + p), r5 = Vector128.Load(row5 + p);
                Vector128<float> low01 = Sse.UnpackLow(r0, r1), high01 = Sse.UnpackHigh(r0, r1);
                Vector128<float> low23 = Sse.UnpackLow(r2, r3), high23 = Sse.UnpackHigh(r2, r3);
                Vector128<double> tail01 = Sse.UnpackLow(r4, r5).AsDouble(), tail23 = Sse.UnpackHigh(r4, r5).AsDouble();
                float* target = panel + (p * PanelRows);
                Sse.MoveLowToHigh(low01, low23).Store(target);
                Sse2.StoreLow((double*)(target + 4), tail01);
                Sse.MoveHighToLow(low23, low01).Store(target + 6);
                Sse2.StoreHigh((double*)(target + 10), tail01);
                Sse.MoveLowToHigh(high01, high23).Store(target + 12);
                Sse2.StoreLow((double*)(target + 16), tail23);
                Sse.MoveHighToLow(high23, high01).Store(target + 18);
                Sse2.StoreHigh((double*)(target + 22), tail23);
            }
        }

        for (; p < depth; p++)
        {
            float* target = panel + (p * PanelRows);
            target[0] = row0[p];
            target[1] = row1[p];
            target[2] = row2[p];
            target[3] = row3[p];
            target[4] = row4[p];
            target[5] = row5[p];
        }

        ZeroMissingRows(rows, depth, panel);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackRowsOfStrided(float* source, int rowStride, int columnStride, int rows, int depth, float* panel)
    {
        if (rowStride == 1 && rows == PanelRows)
        {
            // A transposed operand: each depth's six values are already side by side.
            for (int p = 0; p < depth; p++)
            {
                float* column = source + ((long)p * columnStride);
                float* target = panel + (p * PanelRows);
                Vector128.Load(column).Store(target);
                target[4] = column[4];
                target[5] = column[5];
            }

            return;
        }

        for (int p = 0; p < depth; p++)
        {
            float* column = source + ((long)p * columnStride);
            float* target = panel + (p * PanelRows);
            for (int row = 0; row < rows; row++)
            {
                target[row] = column[(long)row * rowStride];
            }
        }

        ZeroMissingRows(rows, depth, panel);
    }

    private static void ZeroMissingRows(int rows, int depth, float* panel)
    {
        if (rows == PanelRows)
        {
            return;
        }

        for (int p = 0; p < depth; p++)
        {
            for (int row = rows; row < PanelRows; row++)
            {
                panel[(p * PanelRows) + row] = 0;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackColumnsOfRowMajor(float* source, int rowStride, int columns, int depth, float* panel)
    {
        int lanes = TLanes.Count;
        int width = PanelColumns;
        for (int p = 0; p < depth; p++)
        {
            float* row = source + ((long)p * rowStride);
            float* target = panel + (p * width);
            if (columns == width)
            {
                TLanes.Store(target, TLanes.Load(row));
                TLanes.Store(target + lanes, TLanes.Load(row + lanes));
            }
            else if (columns > lanes)
            {
                TLanes.Store(target, TLanes.Load(row));
                TLanes.Store(target + lanes, TLanes.LoadFirst(row + lanes, columns - lanes));
            }
            else
            {
                TLanes.Store(target, TLanes.LoadFirst(row, columns));
                TLanes.Store(target + lanes, TLanes.Zero);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackColumnsOfStrided(float* source, int rowStride, int columnStride, int columns, int depth, float* panel)
    {
        int width = PanelColumns;
        if (columns < width)
        {
            // Zero whole panel rows first (two stores each) rather than clearing each row's short tail.
            for (int p = 0; p < depth; p++)
            {
                TLanes.Store(panel + (p * width), TLanes.Zero);
                TLanes.Store(panel + (p * width) + TLanes.Count, TLanes.Zero);
            }
        }

        // A transposed operand (an affine layer's weights in its input gradient) has each column's depths side by side:
        // whole eights of them are transposed in registers, element by element only the rest.
        int transposed = 0;
        if (rowStride == 1)
        {
            transposed = depth / 8 * 8;
            BlockTranspose.Transpose(source, columnStride, columns, transposed, panel, width);
        }

        for (int column = 0; column < columns; column++)
        {
            float* sourceColumn = source + ((long)column * columnStride);
            float* target = panel + column;
            for (int p = transposed; p < depth; p++)
            {
                target[p * width] = sourceColumn[(long)p * rowStride];
            }
        }
    }
}
