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
/// maximum) to its filter's weight gradient and g to its bias gradient. A window row of up to eight pixels is one
/// 256-bit register read in place from a copy of the image with a vector's worth of zeros after it, so the register's
/// tail may run past the last row; the lanes past the window's width are dropped at the end. Unpadded windows only
/// (<see cref="Supports"/>).</para>
/// <para>The batch is cut into <see cref="Chunks"/> chunks whatever the thread count, and their sums are added in order:
/// the result does not depend on the number of threads. It differs from the dense gradient only in the order of the
/// sums (the zero products it leaves out change no sum).</para>
/// </remarks>
internal static unsafe class PooledWeightGradient
{
    /// <summary>Parts of the batch summed separately, then added in order.</summary>
    public const int Chunks = 16;

    private const int RowLanes = 8;

    // Narrower rows leave too much of each register idle (see Supports).
    private const int MinimumWindowWidth = 3;

    // Window rows summed per pass over a filter's maxima: five registers, twice (two maxima at a time), stay in registers.
    private const int RowsPerPass = 5;

    /// <summary>Room past a filter's maxima in the lists: <see cref="ListMaxima"/> stores whole vectors of sixteen.</summary>
    internal const int ListSlack = 16;

    [ThreadStatic]
    private static AlignedBuffer? t_partials;

    [ThreadStatic]
    private static AlignedBuffer? t_scratch;

    [ThreadStatic]
    private static int[]? t_windowOrigins;

    /// <summary>
    /// Whether the kernel serves <paramref name="geometry"/>: windows inside the image (no padding) whose rows of 3 to 8
    /// pixels fit one 256-bit register, on a machine with AVX2 and FMA. Timed against the dense kernel at batch 64–100
    /// (scratch, 2 cores): 3×3 windows on 1 to 16 channels took 28–43 % less time and tied on 32; 5×5 on 1 or 16
    /// channels 36–56 % less; 2-wide windows gained on one channel but lost on 16 and 32, and 1-wide ones lost.
    /// </summary>
    public static bool Supports(WindowGeometry geometry) =>
        Lanes256.IsSupported && geometry.Padding == 0 && geometry.WindowWidth >= MinimumWindowWidth && geometry.WindowWidth <= RowLanes;

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

        // Where each convolution output position's window starts in its image.
        int[] origins = t_windowOrigins is { } array && array.Length >= geometry.OutputPositions ? array : (t_windowOrigins = new int[geometry.OutputPositions]);
        for (int position = 0; position < geometry.OutputPositions; position++)
        {
            int outputY = Math.DivRem(position, geometry.OutputWidth, out int outputX);
            origins[position] = (outputY * geometry.Stride * geometry.Width) + (outputX * geometry.Stride);
        }

        int rows = geometry.Channels * geometry.WindowHeight;
        int chunks = Math.Min(batchSize, Chunks);
        int partialSize = (filters * rows * RowLanes) + filters;
        float* partials = (t_partials ??= new AlignedBuffer()).Ensure(chunks * partialSize);
        fixed (float* inputData = input)
        fixed (int* windowOrigins = origins)
        {
            var pass = new Pass
            {
                Geometry = geometry,
                Input = inputData,
                Gradient = pooledGradient,
                Output = reluOutput,
                MaxIndices = maxIndices,
                WindowOrigins = windowOrigins,
                Partials = partials,
                PartialSize = partialSize,
                Filters = filters,
                PooledPlane = pooledPlane,
                BatchSize = batchSize,
                Chunks = chunks,
            };
            WorkerPool.Run(&SumChunk, &pass, chunks);
        }

        var sums = new Span<float>(partials, partialSize);
        for (int chunk = 1; chunk < chunks; chunk++)
        {
            TensorPrimitives.Add(sums, new ReadOnlySpan<float>(partials + ((long)chunk * partialSize), partialSize), sums);
        }

        // Row r of a filter is (channel, window row) = (r / windowHeight, r % windowHeight), as the patch orders its taps.
        int windowWidth = geometry.WindowWidth;
        for (int filter = 0; filter < filters; filter++)
        {
            for (int row = 0; row < rows; row++)
            {
                sums.Slice(((filter * rows) + row) * RowLanes, windowWidth).CopyTo(weightGradient.Slice((filter * geometry.PatchSize) + (row * windowWidth), windowWidth));
            }
        }

        sums.Slice(filters * rows * RowLanes, filters).CopyTo(biasGradient);
    }

    /// <summary>Images [⌊chunk · batch / chunks⌋, ⌊(chunk + 1) · batch / chunks⌋) into the chunk's partial sums.</summary>
    private static void SumChunk(void* context, int chunk)
    {
        ref readonly Pass pass = ref *(Pass*)context;
        WindowGeometry geometry = pass.Geometry;
        int imageSize = geometry.ImageSize;
        int rows = geometry.Channels * geometry.WindowHeight;
        int pooledCount = pass.Filters * pass.PooledPlane;
        float* partial = pass.Partials + ((long)chunk * pass.PartialSize);
        float* biasSums = partial + ((long)pass.Filters * rows * RowLanes);
        new Span<float>(partial, pass.PartialSize).Clear();

        // The image, then a vector of zeros for the last rows' register tails, then the masked gradients, then one filter's
        // non-zero gradients and their windows' origins.
        int listRoom = pass.PooledPlane + ListSlack;
        float* image = (t_scratch ??= new AlignedBuffer()).Ensure(imageSize + RowLanes + pooledCount + (2 * listRoom));
        float* masked = image + imageSize + RowLanes;
        float* listGradients = masked + pooledCount;
        int* listOrigins = (int*)(listGradients + listRoom);
        new Span<float>(image + imageSize, RowLanes).Clear();
        int firstImage = (int)((long)pass.BatchSize * chunk / pass.Chunks);
        int endImage = (int)((long)pass.BatchSize * (chunk + 1) / pass.Chunks);
        for (int item = firstImage; item < endImage; item++)
        {
            new ReadOnlySpan<float>(pass.Input + ((long)item * imageSize), imageSize).CopyTo(new Span<float>(image, imageSize));
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
                int* filterIndices = indices + ((long)filter * pass.PooledPlane);
                biasSums[filter] += TensorPrimitives.Sum(new ReadOnlySpan<float>(filterGradient, pass.PooledPlane));

                int length = ListMaxima(filterGradient, filterIndices, pass.PooledPlane, pass.WindowOrigins, geometry, listGradients, listOrigins, Avx512F.IsSupported);

                for (int row = 0; row < rows; row += RowsPerPass)
                {
                    AccumulateRows(image, listGradients, listOrigins, length, geometry, row, Math.Min(RowsPerPass, rows - row), partial + ((((long)filter * rows) + row) * RowLanes));
                }
            }
        }
    }

    /// <summary>
    /// The maxima with a gradient (the ReLU stops many): their gradients and their windows' origins, in order, into
    /// <paramref name="listGradients"/> and <paramref name="listOrigins"/> (room for <paramref name="length"/> + 16 each);
    /// returns how many. Sixteen at a time with AVX-512's compress when <paramref name="useAvx512"/>, the origin of
    /// convolution output position i being i · stride + ⌊i / outputWidth⌋ · stride · (width − outputWidth); else one at a
    /// time without a branch per value.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int ListMaxima(
        float* gradient, int* maxIndices, int length, int* windowOrigins, WindowGeometry geometry, float* listGradients, int* listOrigins, bool useAvx512)
    {
        int count = 0;
        int p = 0;

        // ⌊(i + ½) · (1 / outputWidth)⌋ in float is ⌊i / outputWidth⌋ while the rounding error, under positions · 2⁻²³,
        // stays below the ½ / outputWidth that separates (i + ½) / outputWidth from an integer.
        if (useAvx512 && geometry.OutputPositions < 1 << 22)
        {
            Vector512<float> half = Vector512.Create(0.5f), reciprocal = Vector512.Create(1f / geometry.OutputWidth);
            Vector512<int> stride = Vector512.Create(geometry.Stride), rowStep = Vector512.Create(geometry.Stride * (geometry.Width - geometry.OutputWidth));
            for (; p <= length - Vector512<float>.Count; p += Vector512<float>.Count)
            {
                Vector512<float> values = Vector512.Load(gradient + p);
                Vector512<float> keep = ~Vector512.Equals(values, Vector512<float>.Zero);
                Vector512<int> positions = Vector512.Load(maxIndices + p);
                Vector512<int> rows = Vector512.ConvertToInt32((Vector512.ConvertToSingle(positions) + half) * reciprocal);
                Avx512F.Compress(Vector512<float>.Zero, keep, values).Store(listGradients + count);
                Avx512F.Compress(Vector512<int>.Zero, keep.AsInt32(), (positions * stride) + (rows * rowStep)).Store(listOrigins + count);
                count += BitOperations.PopCount(keep.ExtractMostSignificantBits());
            }
        }

        for (; p < length; p++)
        {
            float value = gradient[p];
            listGradients[count] = value;
            listOrigins[count] = windowOrigins[maxIndices[p]];
            count += value != 0f ? 1 : 0;
        }

        return count;
    }

    /// <summary>
    /// sums[r] += Σ gradient[i] · image[windowOrigins[i] + offset of row firstRow + r, + 8) for r below <paramref name="count"/>
    /// (≤ <see cref="RowsPerPass"/>), one register of eight pixels per row; two maxima at a time into two sets of
    /// registers, added at the end, so no multiply-add waits on the one before.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateRows(
        float* image, float* gradient, int* windowOrigins, int length, WindowGeometry geometry, int firstRow, int count, float* sums)
    {
        int offset0 = RowOffset(geometry, firstRow);
        int offset1 = RowOffset(geometry, firstRow + Math.Min(1, count - 1));
        int offset2 = RowOffset(geometry, firstRow + Math.Min(2, count - 1));
        int offset3 = RowOffset(geometry, firstRow + Math.Min(3, count - 1));
        int offset4 = RowOffset(geometry, firstRow + Math.Min(4, count - 1));
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0;
        Vector256<float> b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0;
        int i = 0;
        for (; i <= length - 2; i += 2)
        {
            float* first = image + windowOrigins[i];
            Vector256<float> g = Vector256.Create(gradient[i]);
            float* second = image + windowOrigins[i + 1];
            Vector256<float> h = Vector256.Create(gradient[i + 1]);
            a0 = Lanes256.MultiplyAdd(g, Vector256.Load(first + offset0), a0);
            b0 = Lanes256.MultiplyAdd(h, Vector256.Load(second + offset0), b0);
            if (count > 1)
            {
                a1 = Lanes256.MultiplyAdd(g, Vector256.Load(first + offset1), a1);
                b1 = Lanes256.MultiplyAdd(h, Vector256.Load(second + offset1), b1);
            }

            if (count > 2)
            {
                a2 = Lanes256.MultiplyAdd(g, Vector256.Load(first + offset2), a2);
                b2 = Lanes256.MultiplyAdd(h, Vector256.Load(second + offset2), b2);
            }

            if (count > 3)
            {
                a3 = Lanes256.MultiplyAdd(g, Vector256.Load(first + offset3), a3);
                b3 = Lanes256.MultiplyAdd(h, Vector256.Load(second + offset3), b3);
            }

            if (count > 4)
            {
                a4 = Lanes256.MultiplyAdd(g, Vector256.Load(first + offset4), a4);
                b4 = Lanes256.MultiplyAdd(h, Vector256.Load(second + offset4), b4);
            }
        }

        if (i < length)
        {
            float* first = image + windowOrigins[i];
            Vector256<float> g = Vector256.Create(gradient[i]);
            a0 = Lanes256.MultiplyAdd(g, Vector256.Load(first + offset0), a0);
            a1 = Lanes256.MultiplyAdd(g, Vector256.Load(first + offset1), a1);
            a2 = Lanes256.MultiplyAdd(g, Vector256.Load(first + offset2), a2);
            a3 = Lanes256.MultiplyAdd(g, Vector256.Load(first + offset3), a3);
            a4 = Lanes256.MultiplyAdd(g, Vector256.Load(first + offset4), a4);
        }

        // Rows at or past count repeat the last row's offset above; they are not stored.
        Add(sums, a0 + b0);
        if (count > 1)
        {
            Add(sums + RowLanes, a1 + b1);
        }

        if (count > 2)
        {
            Add(sums + (2 * RowLanes), a2 + b2);
        }

        if (count > 3)
        {
            Add(sums + (3 * RowLanes), a3 + b3);
        }

        if (count > 4)
        {
            Add(sums + (4 * RowLanes), a4 + b4);
        }
    }

    /// <summary>Where row <paramref name="row"/> of a window, (channel, window row) = (row / windowHeight, row % windowHeight), lies from its first pixel.</summary>
    private static int RowOffset(WindowGeometry geometry, int row)
    {
        int channel = Math.DivRem(row, geometry.WindowHeight, out int windowRow);
        return (((channel * geometry.Height) + windowRow) * geometry.Width);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(float* target, Vector256<float> value) => (Vector256.Load(target) + value).Store(target);

    /// <summary>One call's arguments, passed to the workers by pointer.</summary>
    private struct Pass
    {
        public WindowGeometry Geometry;
        public float* Input;
        public float* Gradient;

        /// <summary>The pooled ReLU output, or null without a ReLU.</summary>
        public float* Output;
        public int* MaxIndices;

        /// <summary>Per convolution output position, where its window starts in the image.</summary>
        public int* WindowOrigins;

        /// <summary>[chunks, PartialSize]: per chunk, [filters, rows, 8] weight sums, then [filters] bias sums.</summary>
        public float* Partials;
        public int PartialSize;
        public int Filters;
        public int PooledPlane;
        public int BatchSize;
        public int Chunks;
    }
}
