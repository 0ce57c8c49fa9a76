using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConvNet.Core.Kernels;

/// <summary>
/// The weight and bias gradients of a convolution whose output went through non-overlapping max pooling (and a ReLU),
/// summed over the pooled maxima alone. Only the position each pooled value came from receives a gradient, so of the
/// products the dense weight gradient forms (<see cref="ConvolutionKernels.ParameterGradients(ReadOnlySpan{float}, ConvolutionOutputGradient, Span{float}, Span{float}, int, WindowGeometry)"/>)
/// all but one per pooling window are zero: only those are formed, a quarter of them under 2×2 pooling.
/// </summary>
/// <remarks>
/// <para>Shapes: input [batch, channels, height, width]; pooled gradient, pooled output and max indices [batch, filters,
/// pooledPlane], each index a position in its filter's convolution output plane (what the fused forward records);
/// weight gradient [filters, channels · windowHeight · windowWidth]; bias gradient [filters].</para>
/// <para>Each pooled gradient g (zero where the ReLU's pooled output is not positive) adds g · (the window at its
/// maximum) to its filter's weight gradient and g to its bias gradient. Each image is first copied into strips, one per
/// output column: strip x holds, for every input row, the window-wide run of each channel's pixels from column x · stride
/// ([outputWidth, height, channels, windowWidth]). A window is then one contiguous run of its strip, rows (window row,
/// channel, window column) in turn, read as a few whole registers (a 5×5 window on one channel: two 512-bit registers,
/// where its five rows of five pixels took five 256-bit ones; 3×3 on sixteen channels: nine against forty-eight); the
/// lanes past the window belong to other pixels and are dropped at the end. Unpadded windows only, and strips within a
/// core's cache (<see cref="Supports"/>).</para>
/// <para>The batch is cut into <see cref="Chunks"/> chunks whatever the thread count, and their sums are added in order:
/// the result does not depend on the number of threads. It differs from the dense gradient only in the order of the
/// sums (the zero products it leaves out change no sum).</para>
/// </remarks>
internal static unsafe class PooledWeightGradient
{
    /// <summary>Parts of the batch summed separately, then added in order.</summary>
    public const int Chunks = 16;

    /// <summary>Room past a filter's maxima in the lists: <see cref="ListMaxima"/> stores whole vectors of sixteen.</summary>
    internal const int ListSlack = 16;

    /// <summary>Pixels a strip row is copied by: one 256-bit register, its tail overwritten by the next copy.</summary>
    internal const int CopyLanes = 8;

    /// <summary>Readable floats past the last strip: a window's last register runs up to one register (16 floats) past it.</summary>
    internal const int StripSlack = 16;

    // One image's strips, at most (floats): 256 KB, inside the L2 cache of the core that reads them back.
    private const int MaxStripFloats = 1 << 16;

    /// <summary>
    /// Whether the kernel serves <paramref name="geometry"/>: windows inside the image (no padding) of more than one pixel
    /// and an image's strips within <see cref="MaxStripFloats"/>, on a machine with AVX2 and FMA. Timed against the dense
    /// kernel (scratch, 2 cores, AVX-512, batch 64–100, 2×2 pooling): 1.6–4× faster on 5×5 windows over 1 or 3 channels,
    /// 3×3 over 16 or 32, 2×2 over 1 or 16 and 9×9 over 1; 1×1 windows over 8 channels (an affine map per pixel, which
    /// the dense kernel multiplies without unrolling anything) took 40 % longer.
    /// </summary>
    public static bool Supports(WindowGeometry geometry) =>
        Lanes256.IsSupported && geometry.Padding == 0 && geometry.WindowHeight * geometry.WindowWidth > 1
        && (long)geometry.OutputWidth * StripLength(geometry) <= MaxStripFloats;

    /// <summary>Overwrites the weight and bias gradients with the sums over every image's pooled maxima.</summary>
    /// <param name="input">The convolution's input, [batch, channels, height, width].</param>
    /// <param name="pooledGradient">dLoss/dPooledOutput, [batch, filters, pooledPlane].</param>
    /// <param name="reluOutput">The pooled output when a ReLU came between (its gradient passes where this is positive), or null.</param>
    /// <param name="maxIndices">Where each pooled value came from in its convolution output plane, [batch, filters, pooledPlane].</param>
    /// <param name="pooledPlane">Pooled values per filter and image.</param>
    /// <param name="weightGradient">[filters, patchSize], overwritten.</param>
    /// <param name="biasGradient">[filters], overwritten.</param>
    /// <param name="batchSize">Images.</param>
    /// <param name="geometry">The convolution's window geometry; <see cref="Supports"/> must hold.</param>
    public static void Compute(
        ReadOnlySpan<float> input, float* pooledGradient, float* reluOutput, int* maxIndices, int pooledPlane,
        Span<float> weightGradient, Span<float> biasGradient, int batchSize, WindowGeometry geometry)
    {
        int filters = biasGradient.Length;
        if (!Supports(geometry) || input.Length != (long)batchSize * geometry.ImageSize || weightGradient.Length != (long)filters * geometry.PatchSize
            || pooledPlane <= 0 || pooledPlane > geometry.OutputPositions)
        {
            throw new ArgumentException(
                $"Pooled weight gradient operands do not fit: input {input.Length} for {batchSize} images of {geometry.ImageSize}, weight gradient " +
                $"{weightGradient.Length} for {filters} filters of {geometry.PatchSize}, pooled plane {pooledPlane} of {geometry.OutputPositions} positions, padding {geometry.Padding}.");
        }

        if (batchSize == 0)
        {
            weightGradient.Clear();
            biasGradient.Clear();
            return;
        }

        fixed (float* inputData = input, weightData = weightGradient, biasData = biasGradient)
        {
            if (Lanes512.IsSupported && Vector512.IsHardwareAccelerated)
            {
                PooledWeightGradient<Vector512<float>, Lanes512>.Compute(inputData, pooledGradient, reluOutput, maxIndices, pooledPlane, weightData, biasData, filters, batchSize, geometry);
            }
            else
            {
                PooledWeightGradient<Vector256<float>, Lanes256>.Compute(inputData, pooledGradient, reluOutput, maxIndices, pooledPlane, weightData, biasData, filters, batchSize, geometry);
            }
        }
    }

    /// <summary>Floats per strip: [height, channels, windowWidth].</summary>
    internal static int StripLength(WindowGeometry geometry) => geometry.Height * geometry.Channels * geometry.WindowWidth;

    /// <summary>Where the window of convolution output position <paramref name="position"/> starts in the strips.</summary>
    internal static int WindowOffset(WindowGeometry geometry, int position)
    {
        int outputY = Math.DivRem(position, geometry.OutputWidth, out int outputX);
        return (outputX * StripLength(geometry)) + (outputY * geometry.Stride * geometry.Channels * geometry.WindowWidth);
    }

    /// <summary>
    /// The maxima with a gradient (the ReLU stops many): their gradients and where their windows start in the strips, in
    /// order, into <paramref name="listGradients"/> and <paramref name="listOffsets"/> (room for <paramref name="length"/>
    /// + 16 each); returns how many. Sixteen at a time with AVX-512's compress when <paramref name="useAvx512"/>, the
    /// offset of position i being i · strip length + ⌊i / outputWidth⌋ · (stride · channels · windowWidth − outputWidth ·
    /// strip length); else one at a time from <paramref name="windowOffsets"/> (<see cref="WindowOffset"/> per position),
    /// without a branch per value.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static int ListMaxima(
        float* gradient, int* maxIndices, int length, int* windowOffsets, WindowGeometry geometry, float* listGradients, int* listOffsets, bool useAvx512)
    {
        int count = 0;
        int p = 0;

        // ⌊(i + ½) · (1 / outputWidth)⌋ in float is ⌊i / outputWidth⌋ while the rounding error, under positions · 2⁻²³,
        // stays below the ½ / outputWidth that separates (i + ½) / outputWidth from an integer.
        if (useAvx512 && geometry.OutputPositions < 1 << 22)
        {
            int stripLength = StripLength(geometry);
            Vector512<float> half = Vector512.Create(0.5f), reciprocal = Vector512.Create(1f / geometry.OutputWidth);
            Vector512<int> columnStep = Vector512.Create(stripLength);
            Vector512<int> rowStep = Vector512.Create((geometry.Stride * geometry.Channels * geometry.WindowWidth) - (geometry.OutputWidth * stripLength));
            for (; p <= length - Vector512<float>.Count; p += Vector512<float>.Count)
            {
                Vector512<float> values = Vector512.Load(gradient + p);
                Vector512<float> keep = ~Vector512.Equals(values, Vector512<float>.Zero);
                Vector512<int> positions = Vector512.Load(maxIndices + p);
                Vector512<int> rows = Vector512.ConvertToInt32((Vector512.ConvertToSingle(positions) + half) * reciprocal);
                Avx512F.Compress(Vector512<float>.Zero, keep, values).Store(listGradients + count);
                Avx512F.Compress(Vector512<int>.Zero, keep.AsInt32(), (positions * columnStep) + (rows * rowStep)).Store(listOffsets + count);
                count += BitOperations.PopCount(keep.ExtractMostSignificantBits());
            }
        }

        for (; p < length; p++)
        {
            float value = gradient[p];
            listGradients[count] = value;
            listOffsets[count] = windowOffsets[maxIndices[p]];
            count += value != 0f ? 1 : 0;
        }

        return count;
    }

    /// <summary>
    /// Copies <paramref name="image"/> (followed by <see cref="CopyLanes"/> readable floats) into
    /// <paramref name="strips"/> [outputWidth, height, channels, windowWidth] (followed by <see cref="CopyLanes"/> writable
    /// floats). Each run is copied by whole 256-bit registers whose tail lands on the next run's place, which the next
    /// copy overwrites.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void CopyStrips(float* image, float* strips, WindowGeometry geometry)
    {
        int plane = geometry.Height * geometry.Width;
        int windowWidth = geometry.WindowWidth;
        float* target = strips;
        for (int outputX = 0; outputX < geometry.OutputWidth; outputX++)
        {
            float* column = image + ((long)outputX * geometry.Stride);
            for (int y = 0; y < geometry.Height; y++)
            {
                float* row = column + ((long)y * geometry.Width);
                for (int channel = 0; channel < geometry.Channels; channel++, target += windowWidth)
                {
                    float* source = row + ((long)channel * plane);
                    for (int x = 0; x < windowWidth; x += CopyLanes)
                    {
                        Vector256.Store(Vector256.Load(source + x), target + x);
                    }
                }
            }
        }
    }
}

/// <summary><see cref="PooledWeightGradient"/> for one register width.</summary>
internal static unsafe class PooledWeightGradient<TVector, TLanes>
    where TVector : struct
    where TLanes : struct, IFloatLanes<TVector>
{
    // Window registers summed per pass over a filter's maxima, twice (two maxima at a time), held in registers: eight of
    // AVX-512's thirty-two, five of AVX2's sixteen.
    private static int RegistersPerPass => TLanes.Count >= 16 ? 8 : 5;

    [ThreadStatic]
    private static AlignedBuffer? t_partials;

    [ThreadStatic]
    private static AlignedBuffer? t_scratch;

    [ThreadStatic]
    private static int[]? t_windowOffsets;

    /// <summary>See <see cref="PooledWeightGradient.Compute"/>.</summary>
    public static void Compute(
        float* input, float* pooledGradient, float* reluOutput, int* maxIndices, int pooledPlane, float* weightGradient, float* biasGradient,
        int filters, int batchSize, WindowGeometry geometry)
    {
        // A window's registers, and a filter's sums: the patch size rounded up to whole registers.
        int patchStride = (geometry.PatchSize + TLanes.Count - 1) / TLanes.Count * TLanes.Count;
        int chunks = Math.Min(batchSize, PooledWeightGradient.Chunks);
        int partialSize = (filters * patchStride) + filters;
        float* partials = (t_partials ??= new AlignedBuffer()).Ensure(chunks * partialSize);
        int[] offsets = t_windowOffsets is { } array && array.Length >= geometry.OutputPositions ? array : (t_windowOffsets = new int[geometry.OutputPositions]);
        for (int position = 0; position < geometry.OutputPositions; position++)
        {
            offsets[position] = PooledWeightGradient.WindowOffset(geometry, position);
        }

        fixed (int* windowOffsets = offsets)
        {
            var pass = new Pass
            {
                Geometry = geometry,
                Input = input,
                Gradient = pooledGradient,
                Output = reluOutput,
                MaxIndices = maxIndices,
                WindowOffsets = windowOffsets,
                Partials = partials,
                PartialSize = partialSize,
                PatchStride = patchStride,
                Filters = filters,
                PooledPlane = pooledPlane,
                BatchSize = batchSize,
                Chunks = chunks,
            };
            // In shares: each core sums the images whose convolution it ran (DirectConvolution's shares are the same halves).
            WorkerPool.RunInShares(&SumChunk, &pass, chunks);
        }

        var sums = new Span<float>(partials, partialSize);
        for (int chunk = 1; chunk < chunks; chunk++)
        {
            TensorPrimitives.Add(sums, new ReadOnlySpan<float>(partials + ((long)chunk * partialSize), partialSize), sums);
        }

        // A filter's sums are its window's taps in strip order (window row, channel, window column), then lanes that
        // belonged to other pixels, dropped; the weights order the taps (channel, window row, window column).
        int windowWidth = geometry.WindowWidth;
        for (int filter = 0; filter < filters; filter++)
        {
            for (int windowY = 0; windowY < geometry.WindowHeight; windowY++)
            {
                for (int channel = 0; channel < geometry.Channels; channel++)
                {
                    int tap = ((channel * geometry.WindowHeight) + windowY) * windowWidth;
                    sums.Slice((filter * patchStride) + (((windowY * geometry.Channels) + channel) * windowWidth), windowWidth)
                        .CopyTo(new Span<float>(weightGradient + ((long)filter * geometry.PatchSize) + tap, windowWidth));
                }
            }
        }

        sums.Slice(filters * patchStride, filters).CopyTo(new Span<float>(biasGradient, filters));
    }

    /// <summary>Images [⌊chunk · batch / chunks⌋, ⌊(chunk + 1) · batch / chunks⌋) into the chunk's partial sums.</summary>
    private static void SumChunk(void* context, int chunk)
    {
        ref readonly Pass pass = ref *(Pass*)context;
        WindowGeometry geometry = pass.Geometry;
        int imageSize = geometry.ImageSize;
        int patchStride = pass.PatchStride;
        int registers = patchStride / TLanes.Count;
        int pooledCount = pass.Filters * pass.PooledPlane;
        float* partial = pass.Partials + ((long)chunk * pass.PartialSize);
        float* biasSums = partial + ((long)pass.Filters * patchStride);
        new Span<float>(partial, pass.PartialSize).Clear();

        // The image and room past it for the last runs' register tails, its strips and the room a window's last register
        // reads past them, then the masked gradients, then one filter's non-zero gradients and where their windows start.
        int listRoom = pass.PooledPlane + PooledWeightGradient.ListSlack;
        int stripFloats = geometry.OutputWidth * PooledWeightGradient.StripLength(geometry);
        int imageAndStrips = imageSize + PooledWeightGradient.CopyLanes + stripFloats + PooledWeightGradient.StripSlack;
        float* image = (t_scratch ??= new AlignedBuffer()).Ensure(imageAndStrips + pooledCount + (2 * listRoom));
        float* strips = image + imageSize + PooledWeightGradient.CopyLanes;
        float* masked = image + imageAndStrips;
        float* listGradients = masked + pooledCount;
        int* listOffsets = (int*)(listGradients + listRoom);
        // The room past the image and past the strips is read into lanes that are dropped; cleared once, so that they
        // never hold stale bits (NaN or subnormal) from the buffer's last use. Each strip copy spills only pixels there.
        new Span<float>(image + imageSize, PooledWeightGradient.CopyLanes).Clear();
        new Span<float>(strips + stripFloats, PooledWeightGradient.StripSlack).Clear();
        int firstImage = (int)((long)pass.BatchSize * chunk / pass.Chunks);
        int endImage = (int)((long)pass.BatchSize * (chunk + 1) / pass.Chunks);
        for (int item = firstImage; item < endImage; item++)
        {
            new ReadOnlySpan<float>(pass.Input + ((long)item * imageSize), imageSize).CopyTo(new Span<float>(image, imageSize));
            PooledWeightGradient.CopyStrips(image, strips, geometry);
            float* gradient = pass.Gradient + ((long)item * pooledCount);
            if (pass.Output is not null)
            {
                Activations.ReluBackward(
                    new ReadOnlySpan<float>(pass.Output + ((long)item * pooledCount), pooledCount), new ReadOnlySpan<float>(gradient, pooledCount), new Span<float>(masked, pooledCount));
                gradient = masked;
            }

            int* indices = pass.MaxIndices + ((long)item * pooledCount);
            for (int filter = 0; filter < pass.Filters; filter++)
            {
                float* filterGradient = gradient + ((long)filter * pass.PooledPlane);
                biasSums[filter] += TensorPrimitives.Sum(new ReadOnlySpan<float>(filterGradient, pass.PooledPlane));
                int length = PooledWeightGradient.ListMaxima(
                    filterGradient, indices + ((long)filter * pass.PooledPlane), pass.PooledPlane, pass.WindowOffsets, geometry, listGradients, listOffsets, Avx512F.IsSupported);
                for (int first = 0; first < registers; first += RegistersPerPass)
                {
                    int offset = first * TLanes.Count;
                    float* sums = partial + ((long)filter * patchStride) + offset;
                    switch (Math.Min(RegistersPerPass, registers - first))
                    {
                        case 1: Accumulate<Constant.One>(strips + offset, listGradients, listOffsets, length, sums); break;
                        case 2: Accumulate<Constant.Two>(strips + offset, listGradients, listOffsets, length, sums); break;
                        case 3: Accumulate<Constant.Three>(strips + offset, listGradients, listOffsets, length, sums); break;
                        case 4: Accumulate<Constant.Four>(strips + offset, listGradients, listOffsets, length, sums); break;
                        case 5: Accumulate<Constant.Five>(strips + offset, listGradients, listOffsets, length, sums); break;
                        case 6: Accumulate<Constant.Six>(strips + offset, listGradients, listOffsets, length, sums); break;
                        case 7: Accumulate<Constant.Seven>(strips + offset, listGradients, listOffsets, length, sums); break;
                        default: Accumulate<Constant.Eight>(strips + offset, listGradients, listOffsets, length, sums); break;
                    }
                }
            }
        }
    }

    /// <summary>
    /// sums[r] += Σ gradient[i] · register r of the window at <paramref name="strips"/> + offsets[i], for r below
    /// <typeparamref name="TCount"/>'s value (≤ <see cref="RegistersPerPass"/>); two maxima at a time into two sets of
    /// registers, added at the end, so no multiply-add waits on the one before. The count is a type, so that each count
    /// is compiled on its own and its loop carries no test per register (with the tests the seed's layer took ×0.49–0.50
    /// of the dense kernel's time, without them ×0.43–0.46).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Accumulate<TCount>(float* strips, float* gradient, int* offsets, int length, float* sums)
        where TCount : struct, IConstant
    {
        int count = TCount.Value;
        int lanes = TLanes.Count;
        TVector a0 = TLanes.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        TVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
        int i = 0;
        for (; i <= length - 2; i += 2)
        {
            float* first = strips + offsets[i];
            TVector g = TLanes.Broadcast(gradient[i]);
            float* second = strips + offsets[i + 1];
            TVector h = TLanes.Broadcast(gradient[i + 1]);
            a0 = TLanes.MultiplyAdd(g, TLanes.Load(first), a0);
            b0 = TLanes.MultiplyAdd(h, TLanes.Load(second), b0);
            if (count > 1)
            {
                a1 = TLanes.MultiplyAdd(g, TLanes.Load(first + lanes), a1);
                b1 = TLanes.MultiplyAdd(h, TLanes.Load(second + lanes), b1);
            }

            if (count > 2)
            {
                a2 = TLanes.MultiplyAdd(g, TLanes.Load(first + (2 * lanes)), a2);
                b2 = TLanes.MultiplyAdd(h, TLanes.Load(second + (2 * lanes)), b2);
            }

            if (count > 3)
            {
                a3 = TLanes.MultiplyAdd(g, TLanes.Load(first + (3 * lanes)), a3);
                b3 = TLanes.MultiplyAdd(h, TLanes.Load(second + (3 * lanes)), b3);
            }

            if (count > 4)
            {
                a4 = TLanes.MultiplyAdd(g, TLanes.Load(first + (4 * lanes)), a4);
                b4 = TLanes.MultiplyAdd(h, TLanes.Load(second + (4 * lanes)), b4);
            }

            if (count > 5)
            {
                a5 = TLanes.MultiplyAdd(g, TLanes.Load(first + (5 * lanes)), a5);
                b5 = TLanes.MultiplyAdd(h, TLanes.Load(second + (5 * lanes)), b5);
            }

            if (count > 6)
            {
                a6 = TLanes.MultiplyAdd(g, TLanes.Load(first + (6 * lanes)), a6);
                b6 = TLanes.MultiplyAdd(h, TLanes.Load(second + (6 * lanes)), b6);
            }

            if (count > 7)
            {
                a7 = TLanes.MultiplyAdd(g, TLanes.Load(first + (7 * lanes)), a7);
                b7 = TLanes.MultiplyAdd(h, TLanes.Load(second + (7 * lanes)), b7);
            }
        }

        if (i < length)
        {
            // The last, odd maximum: into the first set.
            float* first = strips + offsets[i];
            TVector g = TLanes.Broadcast(gradient[i]);
            a0 = TLanes.MultiplyAdd(g, TLanes.Load(first), a0);
            a1 = count > 1 ? TLanes.MultiplyAdd(g, TLanes.Load(first + lanes), a1) : a1;
            a2 = count > 2 ? TLanes.MultiplyAdd(g, TLanes.Load(first + (2 * lanes)), a2) : a2;
            a3 = count > 3 ? TLanes.MultiplyAdd(g, TLanes.Load(first + (3 * lanes)), a3) : a3;
            a4 = count > 4 ? TLanes.MultiplyAdd(g, TLanes.Load(first + (4 * lanes)), a4) : a4;
            a5 = count > 5 ? TLanes.MultiplyAdd(g, TLanes.Load(first + (5 * lanes)), a5) : a5;
            a6 = count > 6 ? TLanes.MultiplyAdd(g, TLanes.Load(first + (6 * lanes)), a6) : a6;
            a7 = count > 7 ? TLanes.MultiplyAdd(g, TLanes.Load(first + (7 * lanes)), a7) : a7;
        }

        Add(sums, TLanes.Add(a0, b0));
        if (count > 1)
        {
            Add(sums + lanes, TLanes.Add(a1, b1));
        }

        if (count > 2)
        {
            Add(sums + (2 * lanes), TLanes.Add(a2, b2));
        }

        if (count > 3)
        {
            Add(sums + (3 * lanes), TLanes.Add(a3, b3));
        }

        if (count > 4)
        {
            Add(sums + (4 * lanes), TLanes.Add(a4, b4));
        }

        if (count > 5)
        {
            Add(sums + (5 * lanes), TLanes.Add(a5, b5));
        }

        if (count > 6)
        {
            Add(sums + (6 * lanes), TLanes.Add(a6, b6));
        }

        if (count > 7)
        {
            Add(sums + (7 * lanes), TLanes.Add(a7, b7));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(float* target, TVector value) => TLanes.Store(target, TLanes.Add(TLanes.Load(target), value));

    /// <summary>One call's arguments, passed to the workers by pointer.</summary>
    private struct Pass
    {
        public WindowGeometry Geometry;
        public float* Input;
        public float* Gradient;

        /// <summary>The pooled ReLU output, or null without a ReLU.</summary>
        public float* Output;
        public int* MaxIndices;

        /// <summary>Per convolution output position, where its window starts in the strips.</summary>
        public int* WindowOffsets;

        /// <summary>[chunks, PartialSize]: per chunk, [filters, PatchStride] weight sums, then [filters] bias sums.</summary>
        public float* Partials;
        public int PartialSize;

        /// <summary>A filter's sums: the patch size rounded up to whole registers.</summary>
        public int PatchStride;
        public int Filters;
        public int PooledPlane;
        public int BatchSize;
        public int Chunks;
    }
}
