using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ConvNet.Core.Kernels;

/// <summary>
/// Inference convolution + bias + optional ReLU + optional non-overlapping max pooling, vectorized over the filters and
/// reading the image in place: nothing is unrolled, and windows that see only zeros (an MNIST digit's background) are
/// not computed at all.
/// </summary>
/// <remarks>
/// <para>A register tile holds <see cref="DirectConvolution{TVector, TLanes}.TilePositions"/> output positions × two
/// registers of filters; per filter tap it loads the two registers of weights (packed once per call, tap by tap) and
/// broadcasts each position's pixel straight from the image. Pooling then compares whole registers of filters, and the
/// pooled band is written out in NCHW order.</para>
/// <para>Bit for bit what <see cref="ConvolutionKernels.Forward"/> followed by ReLU and max pooling computes, as
/// <see cref="FusedConvolution"/>: each output is the same chain of fused multiply-adds over each depth block of
/// <see cref="GemmDriver{TVector, TLanes}.BlockDepth"/>, combined with the bias in the same order. A window of zeros is
/// such a chain with every product ±0, which sums to +0: it is written as +0 without being computed. Images without
/// padding only (<see cref="Supports"/>); shapes as in <see cref="FusedConvolution"/>.</para>
/// </remarks>
internal static unsafe class DirectConvolution
{
    /// <summary>Whether <paramref name="geometry"/> suits this kernel: no zero border, so every window lies inside the image.</summary>
    public static bool Supports(WindowGeometry geometry) => geometry.Padding == 0;

    /// <summary>output = epilogue(convolution(input) + bias) for every image of the batch.</summary>
    public static void Forward(
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output, int batchSize,
        WindowGeometry geometry, ConvolutionEpilogue epilogue) =>
        Forward(input, weight, bias, output, [], batchSize, geometry, epilogue);

    /// <summary>
    /// The same, and when pooling in training, <paramref name="maxIndices"/> (one per output, or empty) receives where each
    /// maximum came from, as a position in its convolution output plane: what <see cref="FusedConvolution"/> writes there.
    /// </summary>
    public static void Forward(
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output, Span<int> maxIndices, int batchSize,
        WindowGeometry geometry, ConvolutionEpilogue epilogue)
    {
        int filters = bias.Length;
        FusedConvolution.CheckSizes(input.Length, weight.Length, output.Length, batchSize, filters, geometry, epilogue);
        if (!Supports(geometry))
        {
            throw new ArgumentException($"The direct convolution reads images in place and takes no padding; got padding {geometry.Padding}.", nameof(geometry));
        }

        if (!maxIndices.IsEmpty && (maxIndices.Length != output.Length || epilogue.PoolSize == 1))
        {
            throw new ArgumentException($"Max indices are one per pooled output ({output.Length}); got {maxIndices.Length} (pool {epilogue.PoolSize}).", nameof(maxIndices));
        }

        fixed (float* inputData = input, weightData = weight, biasData = bias, outputData = output)
        fixed (int* indexData = maxIndices)
        {
            int* indices = maxIndices.IsEmpty ? null : indexData;
            if (Lanes512.IsSupported && Vector512.IsHardwareAccelerated)
            {
                DirectConvolution<Vector512<float>, Lanes512>.Forward(inputData, weightData, biasData, outputData, indices, batchSize, filters, geometry, epilogue);
            }
            else if (Lanes256.IsSupported)
            {
                DirectConvolution<Vector256<float>, Lanes256>.Forward(inputData, weightData, biasData, outputData, indices, batchSize, filters, geometry, epilogue);
            }
            else
            {
                DirectConvolution<Vector128<float>, Lanes128>.Forward(inputData, weightData, biasData, outputData, indices, batchSize, filters, geometry, epilogue);
            }
        }
    }
}

/// <summary><see cref="DirectConvolution"/> for one instruction set.</summary>
internal static unsafe class DirectConvolution<TVector, TLanes>
    where TVector : struct
    where TLanes : struct, IFloatLanes<TVector>
{
    /// <summary>Output positions per register tile (× two registers of filters: twelve accumulators).</summary>
    public const int TilePositions = 6;

    private const int BlockDepth = GemmDriver<TVector, TLanes>.BlockDepth;

    // Output positions per band: a band's tile (positions × a group of filters) stays in L1 while it is pooled.
    private const int BandPositions = 96;

    [ThreadStatic]
    private static AlignedBuffer? t_packed;

    [ThreadStatic]
    private static int[]? t_tapOffsets;

    // What t_packed holds: the weights and biases it was packed from, the buffer and the geometry.
    [ThreadStatic]
    private static float[]? t_packedSource;

    [ThreadStatic]
    private static nint t_packedFor;

    [ThreadStatic]
    private static WindowGeometry t_packedGeometry;

    [ThreadStatic]
    private static AlignedBuffer? t_tile;

    [ThreadStatic]
    private static int[]? t_list;

    [ThreadStatic]
    private static ulong[]? t_rowMasks;

    /// <summary>Filters per group: two registers.</summary>
    private static int GroupWidth => 2 * TLanes.Count;

    /// <summary>See <see cref="DirectConvolution"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(
        float* input, float* weight, float* bias, float* output, int* maxIndices, int batchSize, int filters, WindowGeometry geometry, ConvolutionEpilogue epilogue)
    {
        int patchSize = geometry.PatchSize;
        int width = GroupWidth;
        int groups = (filters + width - 1) / width;
        float* packed = (t_packed ??= new AlignedBuffer()).Ensure(groups * (patchSize + 1) * width);
        float* packedBias = packed + ((long)groups * patchSize * width);

        // Packed again only when the weights, biases or shapes differ from this thread's last call: the other cores read
        // the packed weights and tap offsets from this core's cache, and rewriting even the same values would take their
        // copies away on every prediction (a cross-chip round trip per cache line where the cores do not share a cache).
        // (A new copy of the source is zeros, not what the buffer was packed from: it always packs.)
        int sourceLength = (filters * patchSize) + filters;
        bool kept = t_packedSource is { } last && last.Length == sourceLength;
        float[] source = kept ? t_packedSource! : (t_packedSource = new float[sourceLength]);
        var weights = new ReadOnlySpan<float>(weight, filters * patchSize);
        var biases = new ReadOnlySpan<float>(bias, filters);
        if (!kept || t_packedFor != (nint)packed || t_packedGeometry != geometry
            || !SameBits(weights, source.AsSpan(0, weights.Length)) || !SameBits(biases, source.AsSpan(weights.Length)))
        {
            Pack(weight, bias, filters, geometry, packed);
            weights.CopyTo(source);
            biases.CopyTo(source.AsSpan(weights.Length));
            t_packedFor = (nint)packed;
            t_packedGeometry = geometry;
        }

        int[] offsets = t_tapOffsets!; // Written by Pack for this geometry.

        // A band is whole pooling windows tall: pool · (a few window rows), at least one window row.
        int pool = epilogue.PoolSize;
        int outputWidth = geometry.OutputWidth;
        int computedRows = epilogue.OutputHeight(geometry) * pool;
        int bandRows = Math.Min(computedRows, pool * Math.Max(1, BandPositions / (pool * outputWidth)));
        int bands = (computedRows + bandRows - 1) / bandRows;
        fixed (int* tapOffsets = offsets)
        {
            var pass = new Pass
            {
                Geometry = geometry,
                Epilogue = epilogue,
                Filters = filters,
                Groups = groups,
                ComputedRows = computedRows,
                BandRows = bandRows,
                Bands = bands,
                BandsPerUnit = batchSize >= 2 * WorkerPool.AvailableThreads ? bands : 1,
                TapOffsets = tapOffsets,
                Input = input,
                PackedWeight = packed,
                PackedBias = packedBias,
                Output = output,
                MaxIndices = maxIndices,
            };

            // Bands of one image are independent, so even a single image spreads over the cores. Units go in shares, the same
            // every call: a batch's whole images as the pooled weight gradient reads them back; a single image's bands in two
            // runs of rows, so that the cores do not write the same cache lines of its output planes.
            WorkerPool.RunInShares(&ForwardUnit, &pass, batchSize * pass.Bands / pass.BandsPerUnit);
        }
    }

    // Bit for bit (float equality would take −0 for +0 and keep a stale sign in the packed weights).
    private static bool SameBits(ReadOnlySpan<float> values, ReadOnlySpan<float> other) =>
        MemoryMarshal.Cast<float, int>(values).SequenceEqual(MemoryMarshal.Cast<float, int>(other));

    /// <summary>
    /// Weights packed tap by tap, a group of filters at a time: packed[group][p][lane], lanes past the filters zero; then the
    /// biases the same way, one register pair per group; and where tap p = (channel, ky, kx) lies from a window's first pixel.
    /// </summary>
    private static void Pack(float* weight, float* bias, int filters, WindowGeometry geometry, float* packed)
    {
        int patchSize = geometry.PatchSize;
        int width = GroupWidth;
        int groups = (filters + width - 1) / width;
        float* packedBias = packed + ((long)groups * patchSize * width);
        new Span<float>(packed, groups * (patchSize + 1) * width).Clear();
        for (int filter = 0; filter < filters; filter++)
        {
            int group = Math.DivRem(filter, width, out int lane);
            float* target = packed + ((long)group * patchSize * width) + lane;
            float* source = weight + ((long)filter * patchSize);
            for (int p = 0; p < patchSize; p++)
            {
                target[(long)p * width] = source[p];
            }

            packedBias[filter] = bias[filter];
        }

        int[] offsets = t_tapOffsets is { } array && array.Length >= patchSize ? array : (t_tapOffsets = new int[patchSize]);
        for (int p = 0; p < patchSize; p++)
        {
            int channel = Math.DivRem(p, geometry.WindowHeight * geometry.WindowWidth, out int tap);
            int windowY = Math.DivRem(tap, geometry.WindowWidth, out int windowX);
            offsets[p] = (((channel * geometry.Height) + windowY) * geometry.Width) + windowX;
        }
    }

    /// <summary>Bands [part · BandsPerUnit, + BandsPerUnit) of one image: unit = image · units per image + part.</summary>
    private static void ForwardUnit(void* context, int unit)
    {
        ref readonly Pass pass = ref *(Pass*)context;
        WindowGeometry geometry = pass.Geometry;
        int width = GroupWidth;
        int unitsPerImage = pass.Bands / pass.BandsPerUnit;
        int imageIndex = Math.DivRem(unit, unitsPerImage, out int part);
        float* image = pass.Input + ((long)imageIndex * geometry.ImageSize);
        int maxPositions = pass.BandRows * geometry.OutputWidth;

        // The tile has one slot per position of a band plus a spare that padding entries of the list write into; the
        // pooled values follow it, then (in training) their max indices. The list holds each computed window's slot, then
        // (further on) its first pixel's offset.
        float* tile = (t_tile ??= new AlignedBuffer()).Ensure(3 * (maxPositions + 1) * width);
        float* pooled = tile + ((long)(maxPositions + 1) * width);
        int listLength = 2 * (maxPositions + TilePositions);
        int[] listArray = t_list is { } array && array.Length >= listLength ? array : (t_list = new int[listLength]);
        ulong[] rowMasks = t_rowMasks is { } masks && masks.Length >= geometry.Height ? masks : (t_rowMasks = new ulong[geometry.Height]);
        int firstBand = part * pass.BandsPerUnit;
        bool skipping = geometry.Width <= 64;
        if (skipping)
        {
            // Which pixels of each input row the unit's windows read are non-zero, in any channel.
            int plane = geometry.Height * geometry.Width;
            int endRow = Math.Min(pass.ComputedRows, (firstBand + pass.BandsPerUnit) * pass.BandRows);
            int endInputRow = ((endRow - 1) * geometry.Stride) + geometry.WindowHeight;
            for (int y = firstBand * pass.BandRows * geometry.Stride; y < endInputRow; y++)
            {
                ulong mask = 0;
                for (int channel = 0; channel < geometry.Channels; channel++)
                {
                    mask |= NonZeroMask(image + ((long)channel * plane) + ((long)y * geometry.Width), geometry.Width);
                }

                rowMasks[y] = mask;
            }
        }

        fixed (int* list = listArray)
        fixed (ulong* inputRowMasks = rowMasks)
        {
            for (int band = firstBand; band < firstBand + pass.BandsPerUnit; band++)
            {
                int firstRow = band * pass.BandRows;
                int rows = Math.Min(pass.BandRows, pass.ComputedRows - firstRow);
                ForwardBand(in pass, image, imageIndex, firstRow, rows, skipping ? inputRowMasks : null, list, list + maxPositions + TilePositions, tile, pooled);
            }
        }
    }

    /// <summary>Conv rows [<paramref name="firstRow"/>, + <paramref name="rows"/>) of one image, every group of filters.</summary>
    private static void ForwardBand(
        in Pass pass, float* image, int imageIndex, int firstRow, int rows, ulong* inputRowMasks, int* slots, int* windows, float* tile, float* pooled)
    {
        WindowGeometry geometry = pass.Geometry;
        int width = GroupWidth;
        int outputWidth = geometry.OutputWidth;
        int positions = rows * outputWidth;
        int patchSize = geometry.PatchSize;
        bool onBias = patchSize > BlockDepth;

        // The positions whose window holds a non-zero input are listed; the others hold the chain of zeros, +0, cleared
        // here once for every group (or, on the bias, +0 + bias as the layer's GEMM adds it, per group below).
        ulong rowBits = outputWidth >= 64 ? ulong.MaxValue : (1UL << outputWidth) - 1;
        int count = 0;
        for (int row = 0; row < rows; row++)
        {
            int rowStart = (firstRow + row) * geometry.Stride * geometry.Width;
            if (inputRowMasks is null)
            {
                // Wide images: every window, without masks.
                for (int x = 0; x < outputWidth; x++)
                {
                    slots[count] = (row * outputWidth) + x;
                    windows[count++] = rowStart + (x * geometry.Stride);
                }

                continue;
            }

            ulong needed = NeededColumns(inputRowMasks, geometry, firstRow + row) & rowBits;
            for (ulong bits = needed; bits != 0; bits &= bits - 1)
            {
                int x = BitOperations.TrailingZeroCount(bits);
                slots[count] = (row * outputWidth) + x;
                windows[count++] = rowStart + (x * geometry.Stride);
            }

            if (!onBias)
            {
                for (ulong bits = ~needed & rowBits; bits != 0; bits &= bits - 1)
                {
                    float* slot = tile + ((long)((row * outputWidth) + BitOperations.TrailingZeroCount(bits)) * width);
                    TLanes.Store(slot, TLanes.Zero);
                    TLanes.Store(slot + TLanes.Count, TLanes.Zero);
                }
            }
        }

        // Whole register tiles: padding entries read the image's first window into the spare slot.
        int padded = (count + TilePositions - 1) / TilePositions * TilePositions;
        for (int i = count; i < padded; i++)
        {
            slots[i] = positions;
            windows[i] = 0;
        }

        for (int group = 0; group < pass.Groups; group++)
        {
            float* groupWeight = pass.PackedWeight + ((long)group * patchSize * width);
            if (onBias)
            {
                float* groupBias = pass.PackedBias + ((long)group * width);
                TVector biasLow = TLanes.Load(groupBias), biasHigh = TLanes.Load(groupBias + TLanes.Count);
                TVector skippedLow = TLanes.Add(TLanes.Zero, biasLow), skippedHigh = TLanes.Add(TLanes.Zero, biasHigh);
                for (int position = 0; position < positions; position++)
                {
                    float* slot = tile + ((long)position * width);
                    TLanes.Store(slot, skippedLow);
                    TLanes.Store(slot + TLanes.Count, skippedHigh);
                }

                for (int i = 0; i < count; i++)
                {
                    float* slot = tile + ((long)slots[i] * width);
                    TLanes.Store(slot, biasLow);
                    TLanes.Store(slot + TLanes.Count, biasHigh);
                }
            }

            for (int first = 0; first < padded; first += TilePositions)
            {
                MultiplyTile(image, pass.TapOffsets, patchSize, slots + first, windows + first, groupWeight, tile, onBias);
            }

            Finish(tile, pooled, in pass, imageIndex, group, firstRow, rows, onBias);
        }
    }

    /// <summary>The output columns of conv row <paramref name="row"/> whose window covers a non-zero pixel (bit x for column x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong NeededColumns(ulong* inputRowMasks, WindowGeometry geometry, int row)
    {
        ulong columns = 0;
        int top = row * geometry.Stride;
        for (int windowY = 0; windowY < geometry.WindowHeight; windowY++)
        {
            columns |= inputRowMasks[top + windowY];
        }

        ulong needed = 0;
        if (columns == 0)
        {
            return needed;
        }

        if (geometry.Stride == 1)
        {
            // Column x is needed when any of input columns x .. x + KW − 1 is set.
            for (int windowX = 0; windowX < geometry.WindowWidth; windowX++)
            {
                needed |= columns >> windowX;
            }

            return needed;
        }

        ulong windowMask = geometry.WindowWidth >= 64 ? ulong.MaxValue : (1UL << geometry.WindowWidth) - 1;
        for (int x = 0; x < geometry.OutputWidth; x++)
        {
            if (((columns >> (x * geometry.Stride)) & windowMask) != 0)
            {
                needed |= 1UL << x;
            }
        }

        return needed;
    }

    /// <summary>Bit x set where row[x] is not zero (NaN included), for a row of at most 64 pixels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong NonZeroMask(float* row, int width)
    {
        ulong mask = 0;
        int x = 0;
        for (; x <= width - Vector256<float>.Count; x += Vector256<float>.Count)
        {
            uint zeros = Vector256.Equals(Vector256.Load(row + x), Vector256<float>.Zero).ExtractMostSignificantBits();
            mask |= (ulong)(~zeros & 0xFF) << x;
        }

        for (; x < width; x++)
        {
            if (row[x] != 0f)
            {
                mask |= 1UL << x;
            }
        }

        return mask;
    }

    /// <summary>
    /// The tile slots of the <see cref="TilePositions"/> listed windows (+)= their windows · a group of filters, depth
    /// block by depth block: one fused multiply-add chain from zero per output and block, added to the slot after the first.
    /// </summary>
    private static void MultiplyTile(float* image, int* tapOffsets, int patchSize, int* slots, int* windows, float* groupWeight, float* tile, bool onBias)
    {
        int width = GroupWidth;
        for (int firstDepth = 0; firstDepth < patchSize; firstDepth += BlockDepth)
        {
            int depth = Math.Min(BlockDepth, patchSize - firstDepth);
            MultiplyBlock(
                groupWeight + ((long)firstDepth * width), tapOffsets + firstDepth, depth,
                image + windows[0], image + windows[1], image + windows[2], image + windows[3], image + windows[4], image + windows[5],
                tile, slots, onBias || firstDepth > 0);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyBlock(
        float* weight, int* offsets, int depth, float* x0, float* x1, float* x2, float* x3, float* x4, float* x5, float* tile, int* slots, bool accumulate)
    {
        int lanes = TLanes.Count;
        TVector c00 = TLanes.Zero, c01 = TLanes.Zero, c10 = TLanes.Zero, c11 = TLanes.Zero;
        TVector c20 = TLanes.Zero, c21 = TLanes.Zero, c30 = TLanes.Zero, c31 = TLanes.Zero;
        TVector c40 = TLanes.Zero, c41 = TLanes.Zero, c50 = TLanes.Zero, c51 = TLanes.Zero;
        for (int p = 0; p < depth; p++)
        {
            TVector w0 = TLanes.Load(weight);
            TVector w1 = TLanes.Load(weight + lanes);
            weight += 2 * lanes;
            nint offset = offsets[p];
            TVector a = TLanes.Broadcast(x0[offset]);
            c00 = TLanes.MultiplyAdd(a, w0, c00);
            c01 = TLanes.MultiplyAdd(a, w1, c01);
            a = TLanes.Broadcast(x1[offset]);
            c10 = TLanes.MultiplyAdd(a, w0, c10);
            c11 = TLanes.MultiplyAdd(a, w1, c11);
            a = TLanes.Broadcast(x2[offset]);
            c20 = TLanes.MultiplyAdd(a, w0, c20);
            c21 = TLanes.MultiplyAdd(a, w1, c21);
            a = TLanes.Broadcast(x3[offset]);
            c30 = TLanes.MultiplyAdd(a, w0, c30);
            c31 = TLanes.MultiplyAdd(a, w1, c31);
            a = TLanes.Broadcast(x4[offset]);
            c40 = TLanes.MultiplyAdd(a, w0, c40);
            c41 = TLanes.MultiplyAdd(a, w1, c41);
            a = TLanes.Broadcast(x5[offset]);
            c50 = TLanes.MultiplyAdd(a, w0, c50);
            c51 = TLanes.MultiplyAdd(a, w1, c51);
        }

        int width = 2 * lanes;
        StoreSlot(tile + ((long)slots[0] * width), c00, c01, accumulate);
        StoreSlot(tile + ((long)slots[1] * width), c10, c11, accumulate);
        StoreSlot(tile + ((long)slots[2] * width), c20, c21, accumulate);
        StoreSlot(tile + ((long)slots[3] * width), c30, c31, accumulate);
        StoreSlot(tile + ((long)slots[4] * width), c40, c41, accumulate);
        StoreSlot(tile + ((long)slots[5] * width), c50, c51, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreSlot(float* slot, TVector low, TVector high, bool accumulate)
    {
        int lanes = TLanes.Count;
        if (accumulate)
        {
            // The chain's sum plus what the slot held, in the order the GEMM's accumulating store adds them.
            low = TLanes.Add(low, TLanes.Load(slot));
            high = TLanes.Add(high, TLanes.Load(slot + lanes));
        }

        TLanes.Store(slot, low);
        TLanes.Store(slot + lanes, high);
    }

    /// <summary>
    /// Pools one group's tile (windows scanned in row-major order, the first maximum kept, as the pooling layer does), adds
    /// the bias unless the tile started from it, applies the ReLU, and writes the band's rows of the group's output planes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Finish(float* tile, float* pooled, in Pass pass, int imageIndex, int group, int firstRow, int rows, bool tileHasBias)
    {
        WindowGeometry geometry = pass.Geometry;
        int lanes = TLanes.Count;
        int width = GroupWidth;
        int pool = pass.Epilogue.PoolSize;
        bool relu = pass.Epilogue.Relu;
        int outputWidth = pass.Epilogue.OutputWidth(geometry);
        int outputPlane = pass.Epilogue.OutputHeight(geometry) * outputWidth;
        float* groupBias = pass.PackedBias + ((long)group * width);
        TVector biasLow = TLanes.Load(groupBias), biasHigh = TLanes.Load(groupBias + lanes);
        bool indexed = pass.MaxIndices is not null;
        float* pooledIndices = pooled + ((long)((pass.BandRows * geometry.OutputWidth) + 1) * width);
        int pooledRows = rows / pool;
        int pooledCount = pooledRows * outputWidth;
        for (int pooledRow = 0; pooledRow < pooledRows; pooledRow++)
        {
            for (int pooledColumn = 0; pooledColumn < outputWidth; pooledColumn++)
            {
                float* window = tile + ((((long)pooledRow * pool * geometry.OutputWidth) + ((long)pooledColumn * pool)) * width);
                TVector low = TLanes.Load(window), high = TLanes.Load(window + lanes);
                float* target = pooled + ((((long)pooledRow * outputWidth) + pooledColumn) * width);
                if (indexed)
                {
                    // Training: each lane's maximum as a position in its convolution output plane (the lanes are filters, so
                    // a candidate's position is the same in every lane), compared before the bias as the values are.
                    int firstPosition = ((firstRow + (pooledRow * pool)) * geometry.OutputWidth) + (pooledColumn * pool);
                    TVector lowIndex = TLanes.Broadcast(BitConverter.Int32BitsToSingle(firstPosition)), highIndex = lowIndex;
                    for (int y = 0; y < pool; y++)
                    {
                        for (int x = y == 0 ? 1 : 0; x < pool; x++)
                        {
                            float* candidate = window + ((((long)y * geometry.OutputWidth) + x) * width);
                            TVector candidateLow = TLanes.Load(candidate), candidateHigh = TLanes.Load(candidate + lanes);
                            TVector position = TLanes.Broadcast(BitConverter.Int32BitsToSingle(firstPosition + (y * geometry.OutputWidth) + x));
                            lowIndex = TLanes.KeepIndexOfGreater(low, candidateLow, lowIndex, position);
                            highIndex = TLanes.KeepIndexOfGreater(high, candidateHigh, highIndex, position);
                            low = TLanes.KeepGreater(low, candidateLow);
                            high = TLanes.KeepGreater(high, candidateHigh);
                        }
                    }

                    float* indexTarget = pooledIndices + (target - pooled);
                    TLanes.Store(indexTarget, lowIndex);
                    TLanes.Store(indexTarget + lanes, highIndex);
                }
                else
                {
                    for (int y = 0; y < pool; y++)
                    {
                        for (int x = y == 0 ? 1 : 0; x < pool; x++)
                        {
                            float* candidate = window + ((((long)y * geometry.OutputWidth) + x) * width);
                            low = TLanes.KeepGreater(low, TLanes.Load(candidate));
                            high = TLanes.KeepGreater(high, TLanes.Load(candidate + lanes));
                        }
                    }
                }

                if (!tileHasBias)
                {
                    low = TLanes.Add(low, biasLow);
                    high = TLanes.Add(high, biasHigh);
                }

                if (relu)
                {
                    low = TLanes.Max(low, TLanes.Zero);
                    high = TLanes.Max(high, TLanes.Zero);
                }

                TLanes.Store(target, low);
                TLanes.Store(target + lanes, high);
            }
        }

        // The band's pooled rows are whole rows of each output plane: one contiguous run per filter.
        int firstFilter = group * width;
        int filters = Math.Min(width, pass.Filters - firstFilter);
        float* bandOutput = pass.Output + ((long)imageIndex * pass.Filters * outputPlane) + ((long)(firstRow / pool) * outputWidth);
        BlockTranspose.Transpose(pooled, width, pooledCount, filters, bandOutput + ((long)firstFilter * outputPlane), outputPlane);
        if (indexed)
        {
            // The indices' int bits take the same way out (the transpose only moves them).
            float* bandIndices = (float*)pass.MaxIndices + (bandOutput - pass.Output);
            BlockTranspose.Transpose(pooledIndices, width, pooledCount, filters, bandIndices + ((long)firstFilter * outputPlane), outputPlane);
        }
    }

    /// <summary>One batch's arguments, passed to the workers by pointer.</summary>
    private struct Pass
    {
        public WindowGeometry Geometry;
        public ConvolutionEpilogue Epilogue;
        public int Filters;

        /// <summary>Groups of two registers of filters.</summary>
        public int Groups;

        /// <summary>Convolution output rows that reach the output: all of them, or those inside pooling windows.</summary>
        public int ComputedRows;

        public int BandRows;

        /// <summary>Bands per image.</summary>
        public int Bands;

        /// <summary>Bands per unit of work: a whole image when the batch gives every thread several, else one.</summary>
        public int BandsPerUnit;

        /// <summary>Where each filter tap lies from a window's first pixel, [patchSize].</summary>
        public int* TapOffsets;

        public float* Input;
        public float* PackedWeight;
        public float* PackedBias;
        public float* Output;

        /// <summary>Null, or (training) where each pooled maximum came from, laid out as <see cref="Output"/>.</summary>
        public int* MaxIndices;
    }
}
