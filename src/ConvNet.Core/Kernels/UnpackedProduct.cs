using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ConvNet.Core.Kernels;

/// <summary>
/// output[rows × n] = input[rows × k] · weight[k × n] with both operands read in place, for an inference batch through
/// an affine layer: nothing is packed per call. A register tile of <see cref="TileRows"/> input rows × up to
/// <see cref="GroupVectors"/> registers of columns (21 accumulators: AVX-512's 32 registers) broadcasts the inputs straight
/// from their rows and loads the weight rows where they lie; the rows are split between the cores, each running the
/// whole depth, one block of <see cref="GemmDriver{TVector, TLanes}.BlockDepth"/> after another (a block of weights stays
/// in L2 while every tile of the core's rows reads it).
/// </summary>
/// <remarks>
/// Bit for bit the GEMM's blocked product (<see cref="GemmDriver{TVector, TLanes}"/> when it does not split the depth):
/// one fused multiply-add chain from zero per output and depth block, added onto the output after the first block.
/// </remarks>
internal static unsafe class UnpackedProduct<TVector, TLanes>
    where TVector : struct
    where TLanes : struct, IFloatLanes<TVector>
{
    /// <summary>Input rows per register tile.</summary>
    public const int TileRows = 3;

    /// <summary>Registers of columns per register tile.</summary>
    public const int GroupVectors = 7;

    private const int BlockDepth = GemmDriver<TVector, TLanes>.BlockDepth;

    [ThreadStatic]
    private static AlignedBuffer? t_lastRows;

    [ThreadStatic]
    private static int[]? t_used;

    private static int GroupWidth => GroupVectors * TLanes.Count;

    /// <summary>Overwrites output with input · weight.</summary>
    public static void Multiply(float* input, float* weight, float* output, int rows, int k, int n)
    {
        if (rows == 0 || n == 0)
        {
            return;
        }

        if (k == 0)
        {
            new Span<float>(output, rows * n).Clear();
            return;
        }

        // Two units per thread, of as equal a number of row tiles as can be, claimed as the threads come free.
        int threads = GemmDriver<TVector, TLanes>.ThreadsFor(rows, k, n);
        int tiles = (rows + TileRows - 1) / TileRows;
        int units = Math.Min(tiles, threads == 1 ? 1 : 2 * threads);
        var pass = new Pass { Input = input, Weight = weight, Output = output, Rows = rows, Depth = k, Columns = n, Tiles = tiles, Units = units };
        WorkerPool.Run(&MultiplyUnit, &pass, units);
    }

    /// <summary>The output rows of row tiles [unit · tiles / units, (unit + 1) · tiles / units), every column, the whole depth.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyUnit(void* context, int unit)
    {
        ref readonly Pass pass = ref *(Pass*)context;
        int lanes = TLanes.Count;
        int firstRow = (int)((long)pass.Tiles * unit / pass.Units) * TileRows;
        int endRow = Math.Min(pass.Rows, (int)((long)pass.Tiles * (unit + 1) / pass.Units) * TileRows);

        // Whole registers are loaded from each weight row; where the last registers of the last rows would reach past the
        // weights, those rows are read from a copy padded with zeros instead.
        float* lastRows = (t_lastRows ??= new AlignedBuffer()).Ensure(lanes * GroupWidth);
        int[] usedArray = t_used is { } array && array.Length >= BlockDepth ? array : (t_used = new int[BlockDepth]);
        fixed (int* used = usedArray)
        {
            MultiplyRows(in pass, firstRow, endRow, lastRows, used);
        }
    }

    /// <summary>Rows [<paramref name="firstRow"/>, <paramref name="endRow"/>) of the output, block by block of the depth.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyRows(in Pass pass, int firstRow, int endRow, float* lastRows, int* used)
    {
        int k = pass.Depth, n = pass.Columns, lanes = TLanes.Count;
        for (int firstDepth = 0; firstDepth < k; firstDepth += BlockDepth)
        {
            int depth = Math.Min(BlockDepth, k - firstDepth);
            for (int firstColumn = 0; firstColumn < n; firstColumn += GroupWidth)
            {
                int columns = Math.Min(GroupWidth, n - firstColumn);
                int vectors = (columns + lanes - 1) / lanes;
                float* blockWeight = pass.Weight + ((long)firstDepth * n) + firstColumn;

                // Rows p of the block whose whole registers lie inside the weights: (firstDepth + p) · n + firstColumn + vectors · lanes ≤ k · n.
                long reach = ((long)k * n) - firstColumn - ((long)vectors * lanes);
                int safeDepth = (int)Math.Clamp(reach < 0 ? 0 : (reach / n) + 1 - firstDepth, 0, depth);
                for (int p = safeDepth; p < depth; p++)
                {
                    var padded = new Span<float>(lastRows + ((long)(p - safeDepth) * GroupWidth), GroupWidth);
                    padded.Clear();
                    new ReadOnlySpan<float>(blockWeight + ((long)p * n), columns).CopyTo(padded);
                }

                var weight = new WeightRows(blockWeight, n, safeDepth, lastRows - ((long)safeDepth * GroupWidth), GroupWidth);
                for (int row = firstRow; row < endRow; row += TileRows)
                {
                    float* input = pass.Input + ((long)row * k) + firstDepth;
                    float* output = pass.Output + ((long)row * n) + firstColumn;
                    int tileRows = Math.Min(TileRows, endRow - row);
                    int count = NonZeroDepths(input, k, tileRows, depth, used);
                    int lastColumns = columns - ((vectors - 1) * lanes);
                    bool accumulate = firstDepth > 0;
                    switch (vectors)
                    {
                        case 1: MultiplyTile<Constant.One>(input, k, tileRows, weight, used, count, output, n, lastColumns, accumulate); break;
                        case 2: MultiplyTile<Constant.Two>(input, k, tileRows, weight, used, count, output, n, lastColumns, accumulate); break;
                        case 3: MultiplyTile<Constant.Three>(input, k, tileRows, weight, used, count, output, n, lastColumns, accumulate); break;
                        case 4: MultiplyTile<Constant.Four>(input, k, tileRows, weight, used, count, output, n, lastColumns, accumulate); break;
                        case 5: MultiplyTile<Constant.Five>(input, k, tileRows, weight, used, count, output, n, lastColumns, accumulate); break;
                        case 6: MultiplyTile<Constant.Six>(input, k, tileRows, weight, used, count, output, n, lastColumns, accumulate); break;
                        default: MultiplyTile<Constant.Seven>(input, k, tileRows, weight, used, count, output, n, lastColumns, accumulate); break;
                    }
                }
            }
        }
    }

    /// <summary>
    /// The depths p in [0, depth) where any of the tile's <paramref name="rows"/> input rows is non-zero, in increasing
    /// order; returns how many. A zero input adds ±0 to a chain that is never −0, which changes nothing, so its weight
    /// row is skipped (after a ReLU and max pooling, about a tenth of the depths are zero in all three rows).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int NonZeroDepths(float* input, int inputStride, int rows, int depth, int* used)
    {
        float* a0 = input;
        float* a1 = rows > 1 ? input + inputStride : input;
        float* a2 = rows > 2 ? input + (2L * inputStride) : input;
        int count = 0;
        int p = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; p <= depth - Vector256<float>.Count; p += Vector256<float>.Count)
            {
                Vector256<float> zeros = Vector256.Equals(Vector256.Load(a0 + p), Vector256<float>.Zero)
                    & Vector256.Equals(Vector256.Load(a1 + p), Vector256<float>.Zero)
                    & Vector256.Equals(Vector256.Load(a2 + p), Vector256<float>.Zero);
                uint mask = ~zeros.ExtractMostSignificantBits() & 0xFF;
                if (mask == 0xFF)
                {
                    (Vector256<int>.Indices + Vector256.Create(p)).Store(used + count);
                    count += Vector256<float>.Count;
                    continue;
                }

                for (; mask != 0; mask &= mask - 1)
                {
                    used[count++] = p + BitOperations.TrailingZeroCount(mask);
                }
            }
        }

        for (; p < depth; p++)
        {
            if (a0[p] != 0f || a1[p] != 0f || a2[p] != 0f)
            {
                used[count++] = p;
            }
        }

        return count;
    }

    /// <summary>
    /// A tile of up to <see cref="TileRows"/> rows × <typeparamref name="TVectors"/> registers of columns (the last holding
    /// <paramref name="lastColumns"/>): one chain from zero over the depth, stored or added onto the output.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyTile<TVectors>(
        float* input, int inputStride, int rows, WeightRows weight, int* used, int count, float* output, int outputStride, int lastColumns, bool accumulate)
        where TVectors : struct, IConstant
    {
        // A constant per specialization: the JIT drops the unused registers' code and keeps the rest in registers.
        int vectors = TVectors.Value;
        int lanes = TLanes.Count;

        // Missing rows of a short tile read the first row again; their sums are not stored.
        float* a0 = input;
        float* a1 = rows > 1 ? input + inputStride : input;
        float* a2 = rows > 2 ? input + (2L * inputStride) : input;
        TVector c00 = TLanes.Zero, c01 = TLanes.Zero, c02 = TLanes.Zero, c03 = TLanes.Zero, c04 = TLanes.Zero, c05 = TLanes.Zero, c06 = TLanes.Zero;
        TVector c10 = TLanes.Zero, c11 = TLanes.Zero, c12 = TLanes.Zero, c13 = TLanes.Zero, c14 = TLanes.Zero, c15 = TLanes.Zero, c16 = TLanes.Zero;
        TVector c20 = TLanes.Zero, c21 = TLanes.Zero, c22 = TLanes.Zero, c23 = TLanes.Zero, c24 = TLanes.Zero, c25 = TLanes.Zero, c26 = TLanes.Zero;
        for (int i = 0; i < count; i++)
        {
            int p = used[i];
            float* row = weight.Row(p);
            TVector x0 = TLanes.Broadcast(a0[p]), x1 = TLanes.Broadcast(a1[p]), x2 = TLanes.Broadcast(a2[p]);
            TVector b = TLanes.Load(row);
            c00 = TLanes.MultiplyAdd(x0, b, c00);
            c10 = TLanes.MultiplyAdd(x1, b, c10);
            c20 = TLanes.MultiplyAdd(x2, b, c20);
            if (vectors > 1)
            {
                b = TLanes.Load(row + lanes);
                c01 = TLanes.MultiplyAdd(x0, b, c01);
                c11 = TLanes.MultiplyAdd(x1, b, c11);
                c21 = TLanes.MultiplyAdd(x2, b, c21);
            }

            if (vectors > 2)
            {
                b = TLanes.Load(row + (2 * lanes));
                c02 = TLanes.MultiplyAdd(x0, b, c02);
                c12 = TLanes.MultiplyAdd(x1, b, c12);
                c22 = TLanes.MultiplyAdd(x2, b, c22);
            }

            if (vectors > 3)
            {
                b = TLanes.Load(row + (3 * lanes));
                c03 = TLanes.MultiplyAdd(x0, b, c03);
                c13 = TLanes.MultiplyAdd(x1, b, c13);
                c23 = TLanes.MultiplyAdd(x2, b, c23);
            }

            if (vectors > 4)
            {
                b = TLanes.Load(row + (4 * lanes));
                c04 = TLanes.MultiplyAdd(x0, b, c04);
                c14 = TLanes.MultiplyAdd(x1, b, c14);
                c24 = TLanes.MultiplyAdd(x2, b, c24);
            }

            if (vectors > 5)
            {
                b = TLanes.Load(row + (5 * lanes));
                c05 = TLanes.MultiplyAdd(x0, b, c05);
                c15 = TLanes.MultiplyAdd(x1, b, c15);
                c25 = TLanes.MultiplyAdd(x2, b, c25);
            }

            if (vectors > 6)
            {
                b = TLanes.Load(row + (6 * lanes));
                c06 = TLanes.MultiplyAdd(x0, b, c06);
                c16 = TLanes.MultiplyAdd(x1, b, c16);
                c26 = TLanes.MultiplyAdd(x2, b, c26);
            }
        }

        StoreRow(output, vectors, lastColumns, accumulate, c00, c01, c02, c03, c04, c05, c06);
        if (rows > 1)
        {
            StoreRow(output + outputStride, vectors, lastColumns, accumulate, c10, c11, c12, c13, c14, c15, c16);
        }

        if (rows > 2)
        {
            StoreRow(output + (2L * outputStride), vectors, lastColumns, accumulate, c20, c21, c22, c23, c24, c25, c26);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(
        float* output, int vectors, int lastColumns, bool accumulate, TVector v0, TVector v1, TVector v2, TVector v3, TVector v4, TVector v5, TVector v6)
    {
        int lanes = TLanes.Count;
        FloatLanes<TVector, TLanes>.StoreOrAdd(output, v0, vectors == 1 ? lastColumns : lanes, accumulate);
        if (vectors > 1)
        {
            FloatLanes<TVector, TLanes>.StoreOrAdd(output + lanes, v1, vectors == 2 ? lastColumns : lanes, accumulate);
        }

        if (vectors > 2)
        {
            FloatLanes<TVector, TLanes>.StoreOrAdd(output + (2 * lanes), v2, vectors == 3 ? lastColumns : lanes, accumulate);
        }

        if (vectors > 3)
        {
            FloatLanes<TVector, TLanes>.StoreOrAdd(output + (3 * lanes), v3, vectors == 4 ? lastColumns : lanes, accumulate);
        }

        if (vectors > 4)
        {
            FloatLanes<TVector, TLanes>.StoreOrAdd(output + (4 * lanes), v4, vectors == 5 ? lastColumns : lanes, accumulate);
        }

        if (vectors > 5)
        {
            FloatLanes<TVector, TLanes>.StoreOrAdd(output + (5 * lanes), v5, vectors == 6 ? lastColumns : lanes, accumulate);
        }

        if (vectors > 6)
        {
            FloatLanes<TVector, TLanes>.StoreOrAdd(output + (6 * lanes), v6, lastColumns, accumulate);
        }
    }

    /// <summary>Weight row p of a block: in place for p &lt; the safe depth, else in the zero-padded copy.</summary>
    private readonly struct WeightRows(float* start, int stride, int safeDepth, float* paddedStart, int paddedStride)
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float* Row(int p) => p < safeDepth ? start + ((nint)p * stride) : paddedStart + ((nint)p * paddedStride);
    }

    /// <summary>One product's arguments, passed to the workers by pointer.</summary>
    private struct Pass
    {
        public float* Input;
        public float* Weight;
        public float* Output;
        public int Rows;
        public int Depth;
        public int Columns;

        /// <summary>Row tiles of the output: rows / <see cref="TileRows"/>, rounded up.</summary>
        public int Tiles;
        public int Units;
    }
}
