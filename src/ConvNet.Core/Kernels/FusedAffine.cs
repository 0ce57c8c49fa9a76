using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ConvNet.Core.Kernels;

/// <summary>
/// Inference affine layer with an optional ReLU, output = max(input · weight + bias, 0), in one call.
/// Shapes: input [rows, inputSize], weight [inputSize, outputSize] (the layer's layout), bias [outputSize], output
/// [rows, outputSize].
/// </summary>
/// <remarks>
/// A few rows (a single prediction) are a matrix-vector product bound by reading the weights: they are streamed once
/// per pair of rows on the calling thread, skipping the weight rows whose inputs are all zero (after a ReLU or max
/// pooling, often half of them), and nothing is packed. More rows take the packed GEMM, whose result is then finished
/// with the bias and the ReLU in one pass, bit for bit as the layer and a ReLU layer compute it. The streamed sums
/// follow the GEMM's depth blocks (one chain per block, blocks added in order) but not its split across threads, so
/// they can differ from the layer's in the last bits.
/// </remarks>
internal static unsafe class FusedAffine
{
    /// <summary>Up to this many rows the weights are streamed; above it, the GEMM's packing pays for itself.</summary>
    public const int MaxStreamedRows = 4;

    /// <summary>output = input · weight + bias, then max(·, 0) when <paramref name="relu"/>.</summary>
    public static void Forward(
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output, int rows, bool relu)
    {
        int outputSize = bias.Length;
        int inputSize = rows == 0 ? 0 : input.Length / rows;
        if (rows <= 0 || input.Length != (long)rows * inputSize || weight.Length != (long)inputSize * outputSize || output.Length != (long)rows * outputSize)
        {
            throw new ArgumentException(
                $"Affine operands do not fit: {rows} rows, input {input.Length}, weight {weight.Length}, bias {outputSize}, output {output.Length} elements.");
        }

        if (rows <= MaxStreamedRows)
        {
            fixed (float* inputData = input, weightData = weight, outputData = output)
            {
                if (Lanes512.IsSupported && Vector512.IsHardwareAccelerated)
                {
                    StreamedProduct<Vector512<float>, Lanes512>.Multiply(inputData, weightData, outputData, rows, inputSize, outputSize);
                }
                else if (Lanes256.IsSupported)
                {
                    StreamedProduct<Vector256<float>, Lanes256>.Multiply(inputData, weightData, outputData, rows, inputSize, outputSize);
                }
                else
                {
                    StreamedProduct<Vector128<float>, Lanes128>.Multiply(inputData, weightData, outputData, rows, inputSize, outputSize);
                }
            }
        }
        else if (Lanes512.IsSupported && Vector512.IsHardwareAccelerated
            && !GemmDriver<Vector512<float>, Lanes512>.SplitsDepth(rows, inputSize, outputSize, GemmDriver<Vector512<float>, Lanes512>.ThreadsFor(rows, inputSize, outputSize)))
        {
            // The GEMM's blocked product without its packing (AVX-512's registers hold the 3 × 7-register tile).
            fixed (float* inputData = input, weightData = weight, outputData = output)
            {
                UnpackedProduct<Vector512<float>, Lanes512>.Multiply(inputData, weightData, outputData, rows, inputSize, outputSize);
            }
        }
        else
        {
            Gemm.Multiply(input, weight, output, rows, inputSize, outputSize);
        }

        // The affine layer's own bias add, then the ReLU layer's operation, row by row while the row is in L1.
        for (int row = 0; row < rows; row++)
        {
            Span<float> values = output.Slice(row * outputSize, outputSize);
            TensorPrimitives.Add(values, bias, values);
            if (relu)
            {
                TensorPrimitives.Max(values, 0f, values);
            }
        }
    }
}

/// <summary>
/// output[rows × n] = input[rows × k] · weight[k × n] for a few rows: the weight rows are streamed from memory once per
/// pair of input rows, those that only zero inputs would multiply are skipped, and large products split the depth
/// between the cores in shares of depth blocks (<see cref="WorkerPool.RunInShares"/>), the same range of blocks to the same
/// core every call, so that each core streams its own half of the weights (which stays in its L2 cache from one prediction
/// to the next when it fits); a core done with its range takes the blocks left in the others'.
/// </summary>
/// <remarks>
/// Each block of <see cref="GemmDriver{TVector, TLanes}.BlockDepth"/> rows is one chain from zero per output, kept apart;
/// the caller then adds the blocks onto the output in order, as the GEMM combines its depth blocks. So the result does
/// not depend on the thread count.
/// </remarks>
internal static unsafe class StreamedProduct<TVector, TLanes>
    where TVector : struct
    where TLanes : struct, IFloatLanes<TVector>
{
    private const int BlockDepth = GemmDriver<TVector, TLanes>.BlockDepth;

    // Below this many multiply-adds per row a second core's hand-off costs more than it saves.
    private const int ParallelMultiplyAdds = 1 << 16;

    // Columns per register strip of one row: eight vectors of sums stay in registers across a depth block.
    private const int StripVectors = 8;

    [ThreadStatic]
    private static AlignedBuffer? t_chains;

    [ThreadStatic]
    private static int[]? t_used;

    /// <summary>Overwrites output with input · weight.</summary>
    /// <remarks>
    /// Compiled fully optimized at once, like the rest of the single-prediction path: it runs only for a few rows, and
    /// the first predictions of a process would otherwise run tier-0 code (tiering waits 100 ms after the 30th call).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(float* input, float* weight, float* output, int rows, int k, int n)
    {
        int blocks = (k + BlockDepth - 1) / BlockDepth;

        // Chains per block and row, each padded to whole strips (the kernels store whole strips).
        int sumsStride = RoundUp(n, StripVectors * TLanes.Count);
        int pairedRows = RoundUp(rows, 2);
        float* chains = (t_chains ??= new AlignedBuffer()).Ensure(blocks * pairedRows * sumsStride);
        var pass = new Pass
        {
            Input = input,
            Weight = weight,
            Chains = chains,
            Rows = rows,
            Depth = k,
            Columns = n,
            Blocks = blocks,
            SumsStride = sumsStride,
        };
        if ((long)k * n >= ParallelMultiplyAdds)
        {
            // The same range of blocks to the same core every call (and what a busy core leaves to the others).
            WorkerPool.RunInShares(&MultiplyBlockOf, &pass, blocks);
        }
        else
        {
            for (int block = 0; block < blocks; block++)
            {
                MultiplyBlockOf(&pass, block);
            }
        }
        for (int row = 0; row < rows; row++)
        {
            var target = new Span<float>(output + ((long)row * n), n);
            for (int block = 0; block < blocks; block++)
            {
                var chain = new ReadOnlySpan<float>(chains + ((((long)block * pairedRows) + row) * sumsStride), n);
                if (block == 0)
                {
                    chain.CopyTo(target);
                }
                else
                {
                    TensorPrimitives.Add(chain, target, target);
                }
            }
        }
    }

    /// <summary>Depth block <paramref name="block"/>'s chains for every row, with this thread's list of used weight rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyBlockOf(void* context, int block)
    {
        int[] used = t_used is { } array && array.Length >= BlockDepth ? array : (t_used = new int[BlockDepth]);
        fixed (int* usedRows = used)
        {
            MultiplyBlock(in *(Pass*)context, block, usedRows);
        }
    }

    /// <summary>The chains of depth block <paramref name="block"/> for every row, a pair of rows at a time.</summary>
    private static void MultiplyBlock(in Pass pass, int block, int* usedRows)
    {
        int k = pass.Depth, n = pass.Columns;
        int pairedRows = RoundUp(pass.Rows, 2);
        int firstDepth = block * BlockDepth;
        int depth = Math.Min(BlockDepth, k - firstDepth);
        var blockWeight = new Operand(pass.Weight + ((long)firstDepth * n), n, pass.Weight + ((long)k * n));
        for (int row = 0; row < pass.Rows; row += 2)
        {
            bool pair = row + 1 < pass.Rows;
            float* first = pass.Input + ((long)row * k) + firstDepth;
            float* second = pair ? first + k : first;
            int count = NonZeroRows(first, second, depth, usedRows);
            float* sums = pass.Chains + ((((long)block * pairedRows) + row) * pass.SumsStride);
            if (pair)
            {
                AccumulatePair(first, second, blockWeight, usedRows, count, sums, sums + pass.SumsStride, n);
            }
            else
            {
                AccumulateOne(first, blockWeight, usedRows, count, sums, n);
            }
        }
    }

    /// <summary>The depths p in [0, depth) where either input is non-zero, in increasing order; returns how many.</summary>
    /// <remarks>A zero input adds ±0 to its sums, which changes no value, so skipping its weight row is exact.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int NonZeroRows(float* first, float* second, int depth, int* used)
    {
        int count = 0;
        int p = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Eight at a time: a lane mask of the used depths, written out whole when all are used.
            for (; p <= depth - Vector256<float>.Count; p += Vector256<float>.Count)
            {
                Vector256<float> zeros = Vector256.Equals(Vector256.Load(first + p), Vector256<float>.Zero)
                    & Vector256.Equals(Vector256.Load(second + p), Vector256<float>.Zero);
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
            if (first[p] != 0f || second[p] != 0f)
            {
                used[count++] = p;
            }
        }

        return count;
    }

    /// <summary>
    /// sums[0, n) = Σ x[p] · weight[p, 0, n) over the used p, in increasing p: per strip of up to eight vectors of
    /// columns, one register chain per vector, so nothing waits on memory but the weights.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateOne(float* x, Operand weight, int* used, int count, float* sums, int n)
    {
        int lanes = TLanes.Count;
        for (int column = 0; column < n; column += 8 * lanes)
        {
            // Whole vectors only: lanes past the row's end read the next row and land in the sums' padding.
            int vectors = Math.Min(8, (n - column + lanes - 1) / lanes);
            TVector s0 = TLanes.Zero, s1 = TLanes.Zero, s2 = TLanes.Zero, s3 = TLanes.Zero;
            TVector s4 = TLanes.Zero, s5 = TLanes.Zero, s6 = TLanes.Zero, s7 = TLanes.Zero;
            int i = 0;
            for (; i < count; i++)
            {
                int p = used[i];
                float* row = weight.Row(p) + column;
                if (row + (vectors * lanes) > weight.End)
                {
                    break;   // the matrix's last rows: finish them below without reading past the weights
                }

                TVector a = TLanes.Broadcast(x[p]);
                s0 = TLanes.MultiplyAdd(a, TLanes.Load(row), s0);
                if (vectors > 1)
                {
                    s1 = TLanes.MultiplyAdd(a, TLanes.Load(row + lanes), s1);
                }

                if (vectors > 2)
                {
                    s2 = TLanes.MultiplyAdd(a, TLanes.Load(row + (2 * lanes)), s2);
                }

                if (vectors > 3)
                {
                    s3 = TLanes.MultiplyAdd(a, TLanes.Load(row + (3 * lanes)), s3);
                }

                if (vectors > 4)
                {
                    s4 = TLanes.MultiplyAdd(a, TLanes.Load(row + (4 * lanes)), s4);
                }

                if (vectors > 5)
                {
                    s5 = TLanes.MultiplyAdd(a, TLanes.Load(row + (5 * lanes)), s5);
                }

                if (vectors > 6)
                {
                    s6 = TLanes.MultiplyAdd(a, TLanes.Load(row + (6 * lanes)), s6);
                }

                if (vectors > 7)
                {
                    s7 = TLanes.MultiplyAdd(a, TLanes.Load(row + (7 * lanes)), s7);
                }
            }

            float* target = sums + column;
            TLanes.Store(target, s0);
            TLanes.Store(target + lanes, s1);
            TLanes.Store(target + (2 * lanes), s2);
            TLanes.Store(target + (3 * lanes), s3);
            TLanes.Store(target + (4 * lanes), s4);
            TLanes.Store(target + (5 * lanes), s5);
            TLanes.Store(target + (6 * lanes), s6);
            TLanes.Store(target + (7 * lanes), s7);
            for (; i < count; i++)
            {
                AccumulateLastRow(x[used[i]], weight.Row(used[i]) + column, Math.Min(8 * lanes, n - column), target);
            }
        }
    }

    /// <summary>Two input rows at once, strips of four vectors: each weight vector feeds both rows' chains.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulatePair(float* x, float* y, Operand weight, int* used, int count, float* xSums, float* ySums, int n)
    {
        int lanes = TLanes.Count;
        for (int column = 0; column < n; column += 4 * lanes)
        {
            int vectors = Math.Min(4, (n - column + lanes - 1) / lanes);
            TVector x0 = TLanes.Zero, x1 = TLanes.Zero, x2 = TLanes.Zero, x3 = TLanes.Zero;
            TVector y0 = TLanes.Zero, y1 = TLanes.Zero, y2 = TLanes.Zero, y3 = TLanes.Zero;
            int i = 0;
            for (; i < count; i++)
            {
                int p = used[i];
                float* row = weight.Row(p) + column;
                if (row + (vectors * lanes) > weight.End)
                {
                    break;
                }

                TVector a = TLanes.Broadcast(x[p]);
                TVector b = TLanes.Broadcast(y[p]);
                TVector w = TLanes.Load(row);
                x0 = TLanes.MultiplyAdd(a, w, x0);
                y0 = TLanes.MultiplyAdd(b, w, y0);
                if (vectors > 1)
                {
                    w = TLanes.Load(row + lanes);
                    x1 = TLanes.MultiplyAdd(a, w, x1);
                    y1 = TLanes.MultiplyAdd(b, w, y1);
                }

                if (vectors > 2)
                {
                    w = TLanes.Load(row + (2 * lanes));
                    x2 = TLanes.MultiplyAdd(a, w, x2);
                    y2 = TLanes.MultiplyAdd(b, w, y2);
                }

                if (vectors > 3)
                {
                    w = TLanes.Load(row + (3 * lanes));
                    x3 = TLanes.MultiplyAdd(a, w, x3);
                    y3 = TLanes.MultiplyAdd(b, w, y3);
                }
            }

            TLanes.Store(xSums + column, x0);
            TLanes.Store(xSums + column + lanes, x1);
            TLanes.Store(xSums + column + (2 * lanes), x2);
            TLanes.Store(xSums + column + (3 * lanes), x3);
            TLanes.Store(ySums + column, y0);
            TLanes.Store(ySums + column + lanes, y1);
            TLanes.Store(ySums + column + (2 * lanes), y2);
            TLanes.Store(ySums + column + (3 * lanes), y3);
            for (; i < count; i++)
            {
                float* row = weight.Row(used[i]) + column;
                int columns = Math.Min(4 * lanes, n - column);
                AccumulateLastRow(x[used[i]], row, columns, xSums + column);
                AccumulateLastRow(y[used[i]], row, columns, ySums + column);
            }
        }
    }

    /// <summary>sums[0, columns) += value · row[0, columns), element by element (for the rows that end the weights).</summary>
    private static void AccumulateLastRow(float value, float* row, int columns, float* sums)
    {
        for (int column = 0; column < columns; column++)
        {
            sums[column] = MathF.FusedMultiplyAdd(value, row[column], sums[column]);
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>The columns of the weights one part reads: row p starts at Start + p · RowStride; nothing at or past End may be read.</summary>
    private readonly struct Operand(float* start, int rowStride, float* end)
    {
        public float* End { get; } = end;

        public float* Row(int p) => start + ((long)p * rowStride);

        public Operand FromRow(int p) => new(Row(p), rowStride, End);
    }

    /// <summary>One product's arguments, passed to the workers by pointer.</summary>
    private struct Pass
    {
        public float* Input;
        public float* Weight;

        /// <summary>[blocks, rows rounded up to pairs, SumsStride]: each block's chains.</summary>
        public float* Chains;

        public int Rows;
        public int Depth;
        public int Columns;
        public int Blocks;
        public int SumsStride;
    }
}
