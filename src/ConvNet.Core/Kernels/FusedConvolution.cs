using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConvNet.Core.Kernels;

/// <summary>
/// What an inference convolution does to its product besides adding the bias: a ReLU, and max pooling over
/// <see cref="PoolSize"/> × <see cref="PoolSize"/> windows at a stride of the same size (1 = no pooling).
/// </summary>
internal readonly record struct ConvolutionEpilogue(bool Relu, int PoolSize)
{
    /// <summary>The (pooled) output height for a convolution of <paramref name="geometry"/>: trailing rows that fill no window are dropped.</summary>
    public int OutputHeight(WindowGeometry geometry) => geometry.OutputHeight / PoolSize;

    /// <summary>The (pooled) output width for a convolution of <paramref name="geometry"/>.</summary>
    public int OutputWidth(WindowGeometry geometry) => geometry.OutputWidth / PoolSize;
}

/// <summary>
/// Inference convolution + bias + optional ReLU + optional non-overlapping max pooling in one pass over each image:
/// a band of a few output rows is unrolled (<see cref="PatchMatrix.UnrollRows"/>), multiplied by the packed filters with
/// the GEMM micro-kernel into a tile that stays in the core's cache, and only the final values leave it. The
/// batch-sized convolution output and its ReLU copy, which the layer-by-layer path writes and reads back, never exist.
/// </summary>
/// <remarks>
/// Bit for bit what <see cref="ConvolutionKernels.Forward"/> followed by ReLU and max pooling computes: each output is
/// the same chain of fused multiply-adds over each depth block of <see cref="GemmDriver{TVector, TLanes}.BlockDepth"/>,
/// combined with the bias in the same order; pooling before adding the bias and before the ReLU picks the same value,
/// because rounding and max are both monotonic. Shapes: input [batch, C, H, W], weight [filters, patchSize], bias
/// [filters], output [batch, filters, OH / pool, OW / pool]. Bands of images run in parallel; scratch is per thread and sized by
/// the layer, not the batch.
/// </remarks>
internal static unsafe class FusedConvolution
{
    /// <summary>output = epilogue(convolution(input) + bias) for every image of the batch.</summary>
    public static void Forward(
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output, int batchSize,
        WindowGeometry geometry, ConvolutionEpilogue epilogue) =>
        Forward(input, weight, bias, output, [], batchSize, geometry, epilogue);

    /// <summary>
    /// The same, and when pooling in training, <paramref name="maxIndices"/> (one per output, or empty) receives where each
    /// window's first maximum lies in its convolution output plane (y · OW + x), for <see cref="ConvolutionKernels"/>' backward.
    /// </summary>
    public static void Forward(
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output, Span<int> maxIndices, int batchSize,
        WindowGeometry geometry, ConvolutionEpilogue epilogue)
    {
        int filters = bias.Length;
        CheckSizes(input.Length, weight.Length, output.Length, batchSize, filters, geometry, epilogue);
        if (!maxIndices.IsEmpty && (maxIndices.Length != output.Length || epilogue.PoolSize == 1))
        {
            throw new ArgumentException($"Max indices are one per pooled output ({output.Length}); got {maxIndices.Length} (pool {epilogue.PoolSize}).");
        }

        fixed (float* inputData = input, weightData = weight, biasData = bias, outputData = output)
        fixed (int* indexData = maxIndices)
        {
            int* indices = maxIndices.IsEmpty ? null : indexData;
            if (Lanes512.IsSupported && Vector512.IsHardwareAccelerated)
            {
                FusedConvolution<Vector512<float>, Lanes512>.Forward(inputData, weightData, biasData, outputData, indices, batchSize, filters, geometry, epilogue);
            }
            else if (Lanes256.IsSupported)
            {
                FusedConvolution<Vector256<float>, Lanes256>.Forward(inputData, weightData, biasData, outputData, indices, batchSize, filters, geometry, epilogue);
            }
            else
            {
                FusedConvolution<Vector128<float>, Lanes128>.Forward(inputData, weightData, biasData, outputData, indices, batchSize, filters, geometry, epilogue);
            }
        }
    }

    /// <summary>Internal callers pass exact sizes; a mismatch is a library bug, so fail loudly rather than read stale memory.</summary>
    internal static void CheckSizes(
        int inputLength, int weightLength, int outputLength, int batchSize, int filters, WindowGeometry geometry, ConvolutionEpilogue epilogue)
    {
        long inputNeeded = (long)batchSize * geometry.ImageSize;
        long weightNeeded = (long)filters * geometry.PatchSize;
        long outputNeeded = (long)batchSize * filters * epilogue.OutputHeight(geometry) * epilogue.OutputWidth(geometry);
        if (epilogue.PoolSize < 1 || inputLength != inputNeeded || weightLength != weightNeeded || outputLength != outputNeeded)
        {
            throw new ArgumentException(
                $"Fused convolution operands do not fit: images have {inputLength} of {inputNeeded}, weights {weightLength} of {weightNeeded}, "
                + $"output {outputLength} of {outputNeeded} elements (pool {epilogue.PoolSize}).");
        }
    }
}

/// <summary><see cref="FusedConvolution"/> for one instruction set.</summary>
internal static unsafe class FusedConvolution<TVector, TLanes>
    where TVector : struct
    where TLanes : struct, IFloatLanes<TVector>
{
    private const int PanelRows = GemmMicroKernel<TVector, TLanes>.PanelRows;
    private const int BlockDepth = GemmDriver<TVector, TLanes>.BlockDepth;

    // Output positions per band: the band's patches (patchSize × positions) and product tile (filters × positions)
    // stay in L1/L2 while the micro-kernel sweeps them, and a band still spans several micro-kernel panels.
    private const int BandPositions = 128;

    [ThreadStatic]
    private static AlignedBuffer? t_packedWeight;

    [ThreadStatic]
    private static int[]? t_patchRowOffsets;

    [ThreadStatic]
    private static AlignedBuffer? t_band;

    private static int PanelColumns => GemmMicroKernel<TVector, TLanes>.PanelColumns;

    /// <summary>See <see cref="FusedConvolution"/>; <paramref name="maxIndices"/> is null or one per output.</summary>
    public static void Forward(
        float* input, float* weight, float* bias, float* output, int* maxIndices, int batchSize, int filters, WindowGeometry geometry, ConvolutionEpilogue epilogue)
    {
        // The filters are packed once per call, by the caller, in the micro-kernel's panel order, one depth block after another.
        int patchSize = geometry.PatchSize;
        int filterRows = RoundUp(filters, PanelRows);
        float* packedWeight = (t_packedWeight ??= new AlignedBuffer()).Ensure(filterRows * patchSize);
        var weightMatrix = StridedMatrix.RowMajor(weight, patchSize);
        for (int firstDepth = 0; firstDepth < patchSize; firstDepth += BlockDepth)
        {
            int depth = Math.Min(BlockDepth, patchSize - firstDepth);
            GemmPacking<TVector, TLanes>.PackA(weightMatrix, 0, filters, firstDepth, depth, packedWeight + ((long)filterRows * firstDepth));
        }

        // A band is whole pooling windows tall: pool · (a few window rows), at least one window row.
        int pool = epilogue.PoolSize;
        int outputWidth = geometry.OutputWidth;
        int computedRows = epilogue.OutputHeight(geometry) * pool;
        int bandRows = Math.Min(computedRows, pool * Math.Max(1, BandPositions / (pool * outputWidth)));
        int tileStride = RoundUp(bandRows * outputWidth, PanelColumns);

        // Where each patch row (channel, ky, kx) of a band starts in the band's unrolled rows. At stride 1 only the
        // rows of taps (channel, 0, kx) are unrolled, K − 1 output rows longer: tap (channel, ky, kx) is that row read
        // ky output rows further on, so a band of r rows writes (r + K − 1) · OW values per (channel, kx) instead of
        // K · r · OW (2.5× fewer for the seed's 5×5 filters). The micro-kernel reads whole panels, up to
        // (K − 1) · OW + tileStride into an unrolled row.
        bool shifted = geometry.Stride == 1;
        int unrolledStride = shifted ? RoundUp(((geometry.WindowHeight - 1) * outputWidth) + tileStride, 16) : tileStride;
        int unrolledRows = shifted ? geometry.Channels * geometry.WindowWidth : patchSize;
        int[] offsets = t_patchRowOffsets is { } array && array.Length >= patchSize ? array : (t_patchRowOffsets = new int[patchSize]);
        for (int row = 0; row < patchSize; row++)
        {
            int channel = Math.DivRem(row, geometry.WindowHeight * geometry.WindowWidth, out int tap);
            int windowY = Math.DivRem(tap, geometry.WindowWidth, out int windowX);
            offsets[row] = shifted
                ? ((((channel * geometry.WindowWidth) + windowX) * unrolledStride) + (windowY * outputWidth))
                : row * unrolledStride;
        }

        fixed (int* patchRowOffsets = offsets)
        {
            var pass = new Pass
            {
                Geometry = geometry,
                Epilogue = epilogue,
                Filters = filters,
                FilterRows = filterRows,
                ComputedRows = computedRows,
                BandRows = bandRows,
                Bands = (computedRows + bandRows - 1) / bandRows,
                TileStride = tileStride,
                Shifted = shifted,
                UnrolledRows = unrolledRows,
                UnrolledStride = unrolledStride,
                PatchRowOffsets = patchRowOffsets,
                Input = input,
                PackedWeight = packedWeight,
                Bias = bias,
                Output = output,
                MaxIndices = maxIndices,
            };

            // Bands of one image are independent, so even a single image spreads over the cores.
            WorkerPool.RunInShares(&ForwardBand, &pass, batchSize * pass.Bands);
        }
    }

    /// <summary>One band of one image: unit = image · bands + band.</summary>
    private static void ForwardBand(void* context, int unit)
    {
        ref readonly Pass pass = ref *(Pass*)context;
        WindowGeometry geometry = pass.Geometry;
        int imageIndex = Math.DivRem(unit, pass.Bands, out int band);
        int firstRow = band * pass.BandRows;
        int rows = Math.Min(pass.BandRows, pass.ComputedRows - firstRow);
        int columns = RoundUp(rows * geometry.OutputWidth, PanelColumns);
        float* unrolled = (t_band ??= new AlignedBuffer()).Ensure((pass.UnrolledRows * pass.UnrolledStride) + (pass.FilterRows * pass.TileStride));
        float* tile = unrolled + ((long)pass.UnrolledRows * pass.UnrolledStride);
        float* image = pass.Input + ((long)imageIndex * geometry.ImageSize);

        // Unroll the band (taller, with only the first row of each filter column, when shifted), then zero the rest of
        // each unrolled row that whole panels read: those products are dropped, but must stay finite.
        int written;
        if (pass.Shifted)
        {
            written = (rows + geometry.WindowHeight - 1) * geometry.OutputWidth;
            PatchMatrix.UnrollRows(image, unrolled, geometry with { WindowHeight = 1 }, firstRow, rows + geometry.WindowHeight - 1, pass.UnrolledStride);
        }
        else
        {
            written = rows * geometry.OutputWidth;
            PatchMatrix.UnrollRows(image, unrolled, geometry, firstRow, rows, pass.UnrolledStride);
        }

        for (int row = 0; row < pass.UnrolledRows; row++)
        {
            new Span<float>(unrolled + ((long)row * pass.UnrolledStride) + written, pass.UnrolledStride - written).Clear();
        }

        // Deep patches (over one depth block) accumulate block by block onto the bias, as the layer's GEMM does;
        // a single block is one chain from zero, and the bias is added in the epilogue (the same sum, S + bias).
        int patchSize = geometry.PatchSize;
        bool onBias = patchSize > BlockDepth;
        if (onBias)
        {
            for (int filter = 0; filter < pass.FilterRows; filter++)
            {
                new Span<float>(tile + ((long)filter * pass.TileStride), columns).Fill(filter < pass.Filters ? pass.Bias[filter] : 0f);
            }
        }

        MultiplyBand(pass.PackedWeight, unrolled, pass.PatchRowOffsets, tile, patchSize, pass.FilterRows, columns, pass.TileStride, onBias);
        int outputWidth = pass.Epilogue.OutputWidth(geometry);
        int outputPlane = pass.Epilogue.OutputHeight(geometry) * outputWidth;
        float* bandOutput = pass.Output + ((long)imageIndex * pass.Filters * outputPlane) + ((long)firstRow / pass.Epilogue.PoolSize * outputWidth);
        Finish(tile, bandOutput, in pass, firstRow, rows, onBias);
    }

    /// <summary>tile[filterRows × columns] (+)= packed weight · patches[patchSize × columns], depth block by depth block.</summary>
    private static void MultiplyBand(
        float* packedWeight, float* unrolled, int* patchRowOffsets, float* tile, int patchSize, int filterRows, int columns, int tileStride, bool accumulate)
    {
        int panelColumns = PanelColumns;
        for (int firstDepth = 0; firstDepth < patchSize; firstDepth += BlockDepth)
        {
            int depth = Math.Min(BlockDepth, patchSize - firstDepth);
            float* blockWeight = packedWeight + ((long)filterRows * firstDepth);
            for (int filter = 0; filter < filterRows; filter += PanelRows)
            {
                float* panelWeight = blockWeight + ((long)filter * depth);
                float* tileRows = tile + ((long)filter * tileStride);
                for (int column = 0; column < columns; column += panelColumns)
                {
                    GemmMicroKernel<TVector, TLanes>.MultiplyTile(
                        depth, panelWeight, new GatheredRows(unrolled + column, patchRowOffsets + firstDepth), tileRows + column, tileStride, accumulate || firstDepth > 0);
                }
            }
        }
    }

    /// <summary>Adds the bias (unless the tile started from it), pools and applies the ReLU, writing the band's output rows.</summary>
    private static void Finish(float* tile, float* bandOutput, in Pass pass, int firstRow, int rows, bool tileHasBias)
    {
        WindowGeometry geometry = pass.Geometry;
        int pool = pass.Epilogue.PoolSize;
        bool relu = pass.Epilogue.Relu;
        int outputWidth = pass.Epilogue.OutputWidth(geometry);
        int outputPlane = pass.Epilogue.OutputHeight(geometry) * outputWidth;
        int positions = rows * geometry.OutputWidth;
        for (int filter = 0; filter < pass.Filters; filter++)
        {
            float* source = tile + ((long)filter * pass.TileStride);
            float* target = bandOutput + ((long)filter * outputPlane);
            float bias = tileHasBias ? 0f : pass.Bias[filter];
            if (pool == 1)
            {
                // The layer-by-layer path's own operations: S + bias (the GEMM's last add), then TensorPrimitives' ReLU.
                var values = new Span<float>(target, positions);
                if (tileHasBias)
                {
                    new ReadOnlySpan<float>(source, positions).CopyTo(values);
                }
                else
                {
                    TensorPrimitives.Add(new ReadOnlySpan<float>(source, positions), bias, values);
                }

                if (relu)
                {
                    TensorPrimitives.Max(values, 0f, values);
                }

                continue;
            }

            for (int windowRow = 0; windowRow < rows / pool; windowRow++)
            {
                float* windowTop = source + ((long)windowRow * pool * geometry.OutputWidth);
                float* outputRow = target + ((long)windowRow * outputWidth);
                if (pass.MaxIndices is not null)
                {
                    // Training: also where each maximum came from, as a position in the convolution's output plane.
                    int* indexRow = pass.MaxIndices + (outputRow - pass.Output);
                    int firstPosition = (firstRow + (windowRow * pool)) * geometry.OutputWidth;
                    if (pool == 2 && Sse2.IsSupported)
                    {
                        MaxPool2x2RowWithIndices(windowTop, geometry.OutputWidth, outputRow, indexRow, firstPosition, outputWidth, bias, tileHasBias, relu);
                    }
                    else
                    {
                        MaxPoolRowWithIndices(windowTop, geometry.OutputWidth, pool, outputRow, indexRow, firstPosition, outputWidth, bias, tileHasBias, relu);
                    }
                }
                else if (pool == 2 && Sse.IsSupported)
                {
                    MaxPool2x2Row(windowTop, geometry.OutputWidth, outputRow, outputWidth, bias, tileHasBias, relu);
                }
                else
                {
                    MaxPoolRow(windowTop, geometry.OutputWidth, pool, outputRow, outputWidth, bias, tileHasBias, relu);
                }
            }
        }
    }

    /// <summary>
    /// One row of 2×2 windows, four at a time: the two tile rows are split into even and odd columns and compared in
    /// row-major window order, keeping the first maximum, as the pooling layer does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxPool2x2Row(float* top, int rowLength, float* output, int outputWidth, float bias, bool tileHasBias, bool relu)
    {
        float* bottom = top + rowLength;
        Vector128<float> biases = Vector128.Create(bias);
        int outputX = 0;
        for (; outputX <= outputWidth - 4; outputX += 4)
        {
            int x = 2 * outputX;
            Vector128<float> topLow = Vector128.Load(top + x), topHigh = Vector128.Load(top + x + 4);
            Vector128<float> bottomLow = Vector128.Load(bottom + x), bottomHigh = Vector128.Load(bottom + x + 4);
            Vector128<float> best = Sse.Shuffle(topLow, topHigh, 0b10_00_10_00);
            best = Keep(best, Sse.Shuffle(topLow, topHigh, 0b11_01_11_01));
            best = Keep(best, Sse.Shuffle(bottomLow, bottomHigh, 0b10_00_10_00));
            best = Keep(best, Sse.Shuffle(bottomLow, bottomHigh, 0b11_01_11_01));
            if (!tileHasBias)
            {
                best += biases;
            }

            if (relu)
            {
                best = Vector128.Max(best, Vector128<float>.Zero);
            }

            best.Store(output + outputX);
        }

        for (; outputX < outputWidth; outputX++)
        {
            int x = 2 * outputX;
            output[outputX] = Activate(KeepScalar(KeepScalar(KeepScalar(top[x], top[x + 1]), bottom[x]), bottom[x + 1]), bias, tileHasBias, relu);
        }
    }

    /// <summary>One row of pool × pool windows (any size), scanned in row-major order like the pooling layer.</summary>
    private static void MaxPoolRow(float* top, int rowLength, int pool, float* output, int outputWidth, float bias, bool tileHasBias, bool relu)
    {
        for (int outputX = 0; outputX < outputWidth; outputX++)
        {
            float* window = top + (outputX * pool);
            float best = window[0];
            for (int y = 0; y < pool; y++)
            {
                for (int x = 0; x < pool; x++)
                {
                    best = KeepScalar(best, window[((long)y * rowLength) + x]);
                }
            }

            output[outputX] = Activate(best, bias, tileHasBias, relu);
        }
    }

    /// <summary><see cref="MaxPool2x2Row"/> that also writes each maximum's position, as <see cref="MaxPoolRowWithIndices"/> does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxPool2x2RowWithIndices(
        float* top, int rowLength, float* output, int* indices, int firstPosition, int outputWidth, float bias, bool tileHasBias, bool relu)
    {
        float* bottom = top + rowLength;
        Vector128<float> biases = Vector128.Create(bias);
        Vector128<int> right = Vector128.Create(1), below = Vector128.Create(rowLength);
        int outputX = 0;
        for (; outputX <= outputWidth - 4; outputX += 4)
        {
            int x = 2 * outputX;
            Vector128<float> topLow = Vector128.Load(top + x), topHigh = Vector128.Load(top + x + 4);
            Vector128<float> bottomLow = Vector128.Load(bottom + x), bottomHigh = Vector128.Load(bottom + x + 4);
            Vector128<int> topLeft = Vector128.Create(firstPosition + x) + Vector128.Create(0, 2, 4, 6);
            Vector128<float> best = Sse.Shuffle(topLow, topHigh, 0b10_00_10_00);
            Vector128<int> index = topLeft;
            KeepWithIndex(ref best, ref index, Sse.Shuffle(topLow, topHigh, 0b11_01_11_01), topLeft + right);
            KeepWithIndex(ref best, ref index, Sse.Shuffle(bottomLow, bottomHigh, 0b10_00_10_00), topLeft + below);
            KeepWithIndex(ref best, ref index, Sse.Shuffle(bottomLow, bottomHigh, 0b11_01_11_01), topLeft + below + right);
            if (!tileHasBias)
            {
                best += biases;
            }

            if (relu)
            {
                best = Vector128.Max(best, Vector128<float>.Zero);
            }

            best.Store(output + outputX);
            index.Store(indices + outputX);
        }

        if (outputX < outputWidth)
        {
            MaxPoolRowWithIndices(top + (2 * outputX), rowLength, 2, output + outputX, indices + outputX, firstPosition + (2 * outputX), outputWidth - outputX, bias, tileHasBias, relu);
        }
    }

    /// <summary>
    /// <see cref="MaxPoolRow"/> that also writes each maximum's position in the convolution's output plane (the window
    /// row's first position is <paramref name="firstPosition"/>), for the backward pass.
    /// </summary>
    private static void MaxPoolRowWithIndices(
        float* top, int rowLength, int pool, float* output, int* indices, int firstPosition, int outputWidth, float bias, bool tileHasBias, bool relu)
    {
        for (int outputX = 0; outputX < outputWidth; outputX++)
        {
            float* window = top + (outputX * pool);
            float best = window[0];
            int bestOffset = 0;
            for (int y = 0; y < pool; y++)
            {
                for (int x = 0; x < pool; x++)
                {
                    int offset = (y * rowLength) + x;
                    if (window[offset] > best)
                    {
                        best = window[offset];
                        bestOffset = offset;
                    }
                }
            }

            output[outputX] = Activate(best, bias, tileHasBias, relu);
            indices[outputX] = firstPosition + (outputX * pool) + bestOffset;
        }
    }

    private static float Activate(float value, float bias, bool tileHasBias, bool relu)
    {
        if (!tileHasBias)
        {
            value += bias;
        }

        return relu ? Math.Max(value, 0f) : value;
    }

    // A later candidate wins only when strictly greater, so ties keep the first maximum (as the pooling layer does):
    // exactly MAXPS(candidate, best), which returns its second operand unless the first is greater (NaN included).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Keep(Vector128<float> best, Vector128<float> candidate) => Sse.Max(candidate, best);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void KeepWithIndex(ref Vector128<float> best, ref Vector128<int> index, Vector128<float> candidate, Vector128<int> candidateIndex)
    {
        Vector128<float> greater = Vector128.GreaterThan(candidate, best);
        best = Vector128.ConditionalSelect(greater, candidate, best);
        index = Vector128.ConditionalSelect(greater.AsInt32(), candidateIndex, index);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float KeepScalar(float best, float candidate) => candidate > best ? candidate : best;

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>One batch's arguments, passed to the workers by pointer.</summary>
    private struct Pass
    {
        public WindowGeometry Geometry;
        public ConvolutionEpilogue Epilogue;
        public int Filters;

        /// <summary>Filters rounded up to whole micro-kernel panels.</summary>
        public int FilterRows;

        /// <summary>Convolution output rows that reach the output: all of them, or those inside pooling windows.</summary>
        public int ComputedRows;

        public int BandRows;

        /// <summary>Bands per image.</summary>
        public int Bands;

        /// <summary>Row stride of the product tile: a band's positions rounded up to whole panels.</summary>
        public int TileStride;

        /// <summary>Whether only taps (channel, 0, kx) are unrolled and the others read as shifted views (stride 1).</summary>
        public bool Shifted;

        public int UnrolledRows;
        public int UnrolledStride;

        /// <summary>Where each patch row starts in the unrolled band, [patchSize].</summary>
        public int* PatchRowOffsets;

        public float* Input;
        public float* PackedWeight;
        public float* Bias;
        public float* Output;

        /// <summary>Where each pooled value's maximum lies in its convolution plane (training), or null.</summary>
        public int* MaxIndices;
    }
}
