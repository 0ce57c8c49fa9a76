using System.Numerics.Tensors;

namespace ConvNet.Core.Kernels;

/// <summary>
/// A convolution's forward pass and gradients over a batch, one image at a time on every core. Per image the
/// work is a <see cref="PatchMatrix"/> unroll (small enough to stay in the core's cache) and one GEMM whose
/// result is already in NCHW order, so there is no batch-sized column matrix and no layout transpose.
/// </summary>
/// <remarks>
/// Shapes: input [batch, C, H, W] as described by <see cref="WindowGeometry"/>, weight [filters, patchSize],
/// bias [filters], output [batch, filters, outputPositions]. Callers pass exact sizes (checked).
/// </remarks>
internal static unsafe class ConvolutionKernels
{
    // Chunks of the batch for the weight gradient: a few per thread balances load; each has its own partial sums.
    private const int ChunksPerThread = 4;

    // Below this many output positions an image's weight gradient is one GEMM (patches · dOutᵀ, packed) rather than
    // blocks of dot products: on short rows the dot products' horizontal sums cost as much as their multiply-adds
    // (100 positions: the GEMM takes half the time; 49: a tenth), on long rows packing costs more than it saves.
    private const int DotProductPositions = 256;

    [ThreadStatic]
    private static AlignedBuffer? t_patches;

    [ThreadStatic]
    private static AlignedBuffer? t_partialGradients;

    /// <summary>output[n] = weight · patches(input[n]) + bias, for every image n.</summary>
    public static void Forward(
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output, int batchSize, WindowGeometry geometry)
    {
        int filters = bias.Length;
        CheckSizes(input.Length, output.Length, weight.Length, batchSize, filters, geometry);
        fixed (float* inputData = input, weightData = weight, biasData = bias, outputData = output)
        {
            var pass = new Pass { Geometry = geometry, Filters = filters, Images = inputData, Weight = weightData, Bias = biasData, Planes = outputData };
            WorkerPool.RunInShares(&ForwardImage, &pass, batchSize);
        }
    }

    /// <summary>
    /// weightGradient = Σₙ outputGradient[n] · patches(input[n])ᵀ and biasGradient = Σₙ Σ positions outputGradient[n],
    /// both overwritten.
    /// </summary>
    public static void ParameterGradients(
        ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> weightGradient, Span<float> biasGradient, int batchSize, WindowGeometry geometry)
    {
        CheckSizes(input.Length, outputGradient.Length, weightGradient.Length, batchSize, biasGradient.Length, geometry);
        fixed (float* gradientData = outputGradient)
        {
            ParameterGradients(input, ConvolutionOutputGradient.Dense(gradientData), weightGradient, biasGradient, batchSize, geometry);
        }
    }

    /// <summary>The same, with the output gradient of each image taken from <paramref name="outputGradient"/> (see there).</summary>
    public static void ParameterGradients(
        ReadOnlySpan<float> input, ConvolutionOutputGradient outputGradient, Span<float> weightGradient, Span<float> biasGradient, int batchSize, WindowGeometry geometry)
    {
        int filters = biasGradient.Length;
        CheckSizes(input.Length, batchSize * filters * geometry.OutputPositions, weightGradient.Length, batchSize, filters, geometry);
        int chunks = Math.Min(batchSize, ChunksPerThread * WorkerPool.AvailableThreads);
        int weightSize = filters * geometry.PatchSize;
        int partialSize = weightSize + filters;
        float* partials = (t_partialGradients ??= new AlignedBuffer()).Ensure(chunks * partialSize);
        fixed (float* inputData = input)
        {
            var pass = new Pass
            {
                Geometry = geometry, Filters = filters, BatchSize = batchSize, Chunks = chunks, Images = inputData, Gradient = outputGradient, Partials = partials,
            };
            WorkerPool.RunInShares(&ParameterGradientsOfChunk, &pass, chunks);
        }

        var sums = new Span<float>(partials, partialSize);
        for (int chunk = 1; chunk < chunks; chunk++)
        {
            TensorPrimitives.Add(sums, new ReadOnlySpan<float>(partials + ((long)chunk * partialSize), partialSize), sums);
        }

        sums[weightSize..].CopyTo(biasGradient);
        if (geometry.OutputPositions >= DotProductPositions)
        {
            sums[..weightSize].CopyTo(weightGradient);
            return;
        }

        // The GEMM summed the transpose, [patchSize, filters].
        for (int filter = 0; filter < filters; filter++)
        {
            for (int row = 0; row < geometry.PatchSize; row++)
            {
                weightGradient[(filter * geometry.PatchSize) + row] = sums[(row * filters) + filter];
            }
        }
    }

    /// <summary>inputGradient[n] = fold(weightᵀ · outputGradient[n]), overwritten, for every image n.</summary>
    public static void InputGradient(
        ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> weight, Span<float> inputGradient, int batchSize, int filters, WindowGeometry geometry)
    {
        CheckSizes(inputGradient.Length, outputGradient.Length, weight.Length, batchSize, filters, geometry);
        fixed (float* gradientData = outputGradient)
        {
            InputGradient(ConvolutionOutputGradient.Dense(gradientData), weight, inputGradient, batchSize, filters, geometry);
        }
    }

    /// <summary>The same, with the output gradient of each image taken from <paramref name="outputGradient"/>.</summary>
    public static void InputGradient(
        ConvolutionOutputGradient outputGradient, ReadOnlySpan<float> weight, Span<float> inputGradient, int batchSize, int filters, WindowGeometry geometry)
    {
        CheckSizes(inputGradient.Length, batchSize * filters * geometry.OutputPositions, weight.Length, batchSize, filters, geometry);
        fixed (float* weightData = weight, inputGradientData = inputGradient)
        {
            var pass = new Pass { Geometry = geometry, Filters = filters, Images = inputGradientData, Weight = weightData, Gradient = outputGradient };
            WorkerPool.RunInShares(&InputGradientOfImage, &pass, batchSize);
        }
    }

    private static void ForwardImage(void* context, int image)
    {
        ref readonly Pass pass = ref *(Pass*)context;
        WindowGeometry geometry = pass.Geometry;
        int positions = geometry.OutputPositions;
        float* patches = Patches(geometry);
        PatchMatrix.Unroll(pass.Images + ((long)image * geometry.ImageSize), patches, geometry);

        // Start each output plane at its bias so the product accumulates onto it.
        float* output = pass.Planes + ((long)image * pass.Filters * positions);
        for (int filter = 0; filter < pass.Filters; filter++)
        {
            new Span<float>(output + ((long)filter * positions), positions).Fill(pass.Bias[filter]);
        }

        Gemm.Multiply(
            new ReadOnlySpan<float>(pass.Weight, pass.Filters * geometry.PatchSize),
            new ReadOnlySpan<float>(patches, geometry.PatchSize * positions),
            new Span<float>(output, pass.Filters * positions),
            pass.Filters,
            geometry.PatchSize,
            positions,
            accumulate: true);
    }

    private static void ParameterGradientsOfChunk(void* context, int chunk)
    {
        ref readonly Pass pass = ref *(Pass*)context;
        WindowGeometry geometry = pass.Geometry;
        int positions = geometry.OutputPositions;
        int weightSize = pass.Filters * geometry.PatchSize;
        float* partial = pass.Partials + ((long)chunk * (weightSize + pass.Filters));
        var weightGradient = new Span<float>(partial, weightSize);
        var biasGradient = new Span<float>(partial + weightSize, pass.Filters);
        weightGradient.Clear();
        biasGradient.Clear();
        float* patches = Patches(geometry);
        int firstImage = (int)((long)pass.BatchSize * chunk / pass.Chunks);
        int endImage = (int)((long)pass.BatchSize * (chunk + 1) / pass.Chunks);
        for (int image = firstImage; image < endImage; image++)
        {
            PatchMatrix.Unroll(pass.Images + ((long)image * geometry.ImageSize), patches, geometry);
            float* gradientPlanes = pass.Gradient.ImagePlanes(image, pass.Filters, positions);
            if (positions >= DotProductPositions)
            {
                RowDotProducts.MultiplyAddTransposed(gradientPlanes, patches, partial, pass.Filters, geometry.PatchSize, positions);
            }
            else
            {
                // partialᵀ [patchSize, filters] += patches [patchSize, positions] · gradientᵀ.
                Gemm.MultiplyTransposedB(
                    new ReadOnlySpan<float>(patches, geometry.PatchSize * positions),
                    new ReadOnlySpan<float>(gradientPlanes, pass.Filters * positions),
                    weightGradient,
                    geometry.PatchSize,
                    positions,
                    pass.Filters,
                    accumulate: true);
            }

            var gradient = new ReadOnlySpan<float>(gradientPlanes, pass.Filters * positions);
            for (int filter = 0; filter < pass.Filters; filter++)
            {
                biasGradient[filter] += TensorPrimitives.Sum(gradient.Slice(filter * positions, positions));
            }
        }
    }

    private static void InputGradientOfImage(void* context, int image)
    {
        ref readonly Pass pass = ref *(Pass*)context;
        WindowGeometry geometry = pass.Geometry;
        int positions = geometry.OutputPositions;
        float* patchesGradient = Patches(geometry);
        Gemm.MultiplyTransposedA(
            new ReadOnlySpan<float>(pass.Weight, pass.Filters * geometry.PatchSize),
            new ReadOnlySpan<float>(pass.Gradient.ImagePlanes(image, pass.Filters, positions), pass.Filters * positions),
            new Span<float>(patchesGradient, geometry.PatchSize * positions),
            geometry.PatchSize,
            pass.Filters,
            positions);
        float* imageGradient = pass.Images + ((long)image * geometry.ImageSize);
        new Span<float>(imageGradient, geometry.ImageSize).Clear();
        PatchMatrix.FoldAdd(patchesGradient, imageGradient, geometry);
    }

    private static float* Patches(WindowGeometry geometry) =>
        (t_patches ??= new AlignedBuffer()).Ensure(geometry.PatchSize * geometry.OutputPositions);

    private static void CheckSizes(int imagesLength, int planesLength, int weightLength, int batchSize, int filters, WindowGeometry geometry)
    {
        // Internal callers pass exact sizes; a mismatch is a library bug, so fail loudly rather than read stale memory.
        long imagesNeeded = (long)batchSize * geometry.ImageSize;
        long planesNeeded = (long)batchSize * filters * geometry.OutputPositions;
        long weightNeeded = (long)filters * geometry.PatchSize;
        if (imagesLength != imagesNeeded || planesLength != planesNeeded || weightLength != weightNeeded)
        {
            throw new ArgumentException(
                $"Convolution operands do not fit: images have {imagesLength} of {imagesNeeded}, output planes {planesLength} of {planesNeeded}, weights {weightLength} of {weightNeeded} elements.");
        }
    }

    /// <summary>One batch pass's arguments, passed to the workers by pointer; a pass uses the fields it needs.</summary>
    private struct Pass
    {
        public WindowGeometry Geometry;
        public int Filters;
        public int BatchSize;
        public int Chunks;

        /// <summary>Input images; for the input gradient, the image gradients being written.</summary>
        public float* Images;

        /// <summary>Output planes (forward).</summary>
        public float* Planes;

        /// <summary>The output gradient (backward).</summary>
        public ConvolutionOutputGradient Gradient;

        public float* Weight;
        public float* Bias;

        /// <summary>Per-chunk sums of the weight and bias gradients.</summary>
        public float* Partials;
    }
}
