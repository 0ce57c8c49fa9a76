using ConvNet.Core.Kernels;
using CsCheck;
using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Kernels;

/// <summary>
/// The weight and bias gradients summed over the pooled maxima alone against their definition (every convolution output
/// position's gradient times its window, in double precision) and against the dense kernel the training plan used before;
/// the thread count changes no bit.
/// </summary>
// The thread count is process-wide: this runs alone, in the non-parallel collection.
[Collection(RunsAlone.Name)]
public sealed class PooledWeightGradientTests : RestoresThreadCount
{
    // (channels, height, width, filters, kernel height, kernel width, stride, pool): the seed's layer, the fast recipe's
    // two layers (its second: nine 512-bit registers per window, more than one pass of eight), rectangular windows,
    // window rows of two to eleven pixels (more than one 256-bit copy per row), single columns, stride 2, 3×3 pooling
    // and convolution rows the pooling leaves out.
    public static TheoryData<int, int, int, int, int, int, int, int> Geometries => new()
    {
        { 1, 28, 28, 30, 5, 5, 1, 2 },
        { 1, 28, 28, 16, 5, 5, 1, 2 },
        { 16, 12, 12, 24, 3, 3, 1, 2 },
        { 3, 13, 12, 7, 3, 5, 1, 2 },
        { 2, 16, 17, 5, 8, 8, 1, 3 },
        { 4, 11, 14, 3, 2, 4, 2, 2 },
        { 1, 9, 30, 33, 6, 7, 1, 2 },
        { 1, 20, 20, 8, 2, 2, 1, 2 },
        { 1, 24, 26, 4, 9, 11, 1, 2 },
        { 3, 14, 14, 5, 3, 1, 2, 2 },
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Gradients_equal_their_definition_on_every_thread_count(
        int channels, int height, int width, int filters, int kernelHeight, int kernelWidth, int stride, int pool)
    {
        var random = new Random(channels + (3 * height) + (7 * filters) + (11 * kernelWidth) + (13 * stride) + pool);
        Convolution convolution = FusedConvolutionTests.RandomConvolution(random, channels, filters, (kernelHeight, kernelWidth), stride, padding: 0);
        foreach (int batchSize in new[] { 1, 5, 37 })
        {
            FloatTensor input = TestTensors.Uniform(random, batchSize, channels, height, width);
            WindowGeometry geometry = convolution.GeometryFor(input.Shape);
            PooledWeightGradient.Supports(geometry).Should().Be(Lanes256.IsSupported);
            if (!Lanes256.IsSupported)
            {
                return;
            }

            foreach (bool relu in new[] { false, true })
            {
                var epilogue = new ConvolutionEpilogue(relu, pool);
                Forward forward = RunForward(convolution, input, geometry, epilogue, random);
                Sums expected = Definition(input, forward, geometry, filters, batchSize);

                ConvNetRuntime.ThreadCount = 1;
                (float[] weight, float[] bias) = Pooled(input, forward, geometry, filters, batchSize);
                ConvNetRuntime.ThreadCount = ConvNetRuntime.MaxThreadCount;
                (float[] weightOnAll, float[] biasOnAll) = Pooled(input, forward, geometry, filters, batchSize);

                string because = $"batch {batchSize}, ReLU {relu}";
                weightOnAll.Should().Equal(weight, because);
                biasOnAll.Should().Equal(bias, because);
                ShouldBeWithinRounding(weight, bias, expected, PooledDepth(forward, batchSize), because);
            }
        }
    }

    [Fact]
    public void Random_geometries_equal_their_definition()
    {
        if (!Lanes256.IsSupported)
        {
            return;   // the kernel serves no geometry here
        }

        // Channels, window, stride, pooling, filters, batch and the convolution rows the pooling leaves out, all at random.
        Gen.Int[0, int.MaxValue].Sample(
            seed =>
            {
                var random = new Random(seed);
                (int channels, int kernelHeight, int kernelWidth) = (random.Next(1, 6), random.Next(1, 7), random.Next(3, 9));
                (int stride, int pool, int filters, int batchSize) = (random.Next(1, 4), random.Next(2, 5), random.Next(1, 41), random.Next(1, 21));
                int height = kernelHeight + (stride * ((pool * random.Next(1, 4)) - 1)) + random.Next(3);
                int width = kernelWidth + (stride * ((pool * random.Next(1, 4)) - 1)) + random.Next(3);
                Convolution convolution = FusedConvolutionTests.RandomConvolution(random, channels, filters, (kernelHeight, kernelWidth), stride, padding: 0);
                FloatTensor input = TestTensors.Uniform(random, batchSize, channels, height, width);
                WindowGeometry geometry = convolution.GeometryFor(input.Shape);
                Forward forward = RunForward(convolution, input, geometry, new ConvolutionEpilogue(random.Next(2) == 0, pool), random);
                Sums expected = Definition(input, forward, geometry, filters, batchSize);
                (float[] weight, float[] bias) = Pooled(input, forward, geometry, filters, batchSize);
                ShouldBeWithinRounding(weight, bias, expected, PooledDepth(forward, batchSize), $"seed {seed}: {geometry}, {filters} filters, pool {pool}, batch {batchSize}, ReLU {forward.Relu}");
            },
            iter: 200,
            threads: 1);
    }

    [Fact]
    public void The_seeds_layer_agrees_with_the_dense_kernel_to_rounding()
    {
        // What the training plan ran before: the dense per-image gradient planes rebuilt from the same maxima.
        var random = new Random(4);
        Convolution convolution = FusedConvolutionTests.RandomConvolution(random, 1, 30, (5, 5), 1, padding: 0);
        FloatTensor input = TestTensors.Uniform(random, 100, 1, 28, 28);
        WindowGeometry geometry = convolution.GeometryFor(input.Shape);
        var epilogue = new ConvolutionEpilogue(Relu: true, PoolSize: 2);
        Forward forward = RunForward(convolution, input, geometry, epilogue, random);
        (float[] weight, float[] bias) = Pooled(input, forward, geometry, 30, 100);
        (float[] denseWeight, float[] denseBias) = Dense(input, forward, geometry, 30, 100);

        Sums expected = Definition(input, forward, geometry, 30, 100);
        ShouldBeWithinRounding(weight, bias, expected, PooledDepth(forward, 100), "pooled maxima");

        // The dense kernel's chains run over every convolution output position of an image, then the images.
        ShouldBeWithinRounding(denseWeight, denseBias, expected, geometry.OutputPositions + 100 + 32, "dense");
    }

    [Theory]
    [InlineData(28, 28, 5, 5, 1)]
    [InlineData(17, 30, 3, 6, 2)]
    [InlineData(40, 9, 4, 4, 3)]
    public unsafe void The_vectorized_list_of_maxima_is_the_scalar_one(int height, int width, int kernelHeight, int kernelWidth, int stride)
    {
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            return;   // the scalar list is the only one here
        }

        // Any convolution output position as a maximum, zeros (skipped) and −0, NaN (kept) among the gradients; lengths with and without a tail.
        var geometry = new WindowGeometry(1, height, width, kernelHeight, kernelWidth, stride, 0);
        int[] offsets = [.. Enumerable.Range(0, geometry.OutputPositions).Select(position => PooledWeightGradient.WindowOffset(geometry, position))];
        var random = new Random(height);
        foreach (int length in new[] { 1, 16, 37, 144 })
        {
            float[] gradient = [.. Enumerable.Range(0, length).Select(_ => random.Next(4) switch { 0 => 0f, 1 => -0f, 2 when random.Next(8) == 0 => float.NaN, _ => (float)random.NextDouble() - 0.5f })];
            int[] maxIndices = [.. Enumerable.Range(0, length).Select(_ => random.Next(geometry.OutputPositions))];
            var lists = new (float[] Gradients, int[] Origins, int Count)[2];
            foreach (bool vectorized in new[] { false, true })
            {
                (float[] gradients, int[] windowOrigins) = (new float[length + PooledWeightGradient.ListSlack], new int[length + PooledWeightGradient.ListSlack]);
                fixed (float* source = gradient, listGradients = gradients)
                fixed (int* indices = maxIndices, table = offsets, listOrigins = windowOrigins)
                {
                    int count = PooledWeightGradient.ListMaxima(source, indices, length, table, geometry, listGradients, listOrigins, vectorized);
                    lists[vectorized ? 1 : 0] = (gradients[..count], windowOrigins[..count], count);
                }
            }

            lists[0].Count.Should().Be(gradient.Count(value => value != 0f), $"length {length}");
            lists[1].Count.Should().Be(lists[0].Count, $"length {length}");
            lists[1].Gradients.Select(BitConverter.SingleToInt32Bits).Should().Equal(lists[0].Gradients.Select(BitConverter.SingleToInt32Bits), $"length {length}");
            lists[1].Origins.Should().Equal(lists[0].Origins, $"length {length}");
        }
    }

    [Fact]
    public unsafe void An_empty_batch_gives_zero_gradients()
    {
        if (!Lanes256.IsSupported)
        {
            return;   // the kernel serves no geometry here
        }

        var geometry = new WindowGeometry(1, 8, 8, 5, 5, 1, 0);
        float[] weight = [.. Enumerable.Repeat(7f, 2 * 25)];
        float[] bias = [7f, 7f];
        PooledWeightGradient.Compute([], null, null, null, 4, weight, bias, 0, geometry);
        weight.Should().OnlyContain(value => value == 0f);
        bias.Should().Equal(0f, 0f);
    }

    [Theory]
    [InlineData(1, 5, 5, 1)]
    [InlineData(3, 3, 3, 2)]
    [InlineData(8, 1, 1, 0)]
    [InlineData(64, 3, 3, 0)]
    public void Padded_and_one_pixel_windows_and_strips_past_the_cache_are_left_to_the_dense_kernel(int channels, int kernelHeight, int kernelWidth, int padding)
    {
        // 64 channels of 3×3 windows on 20×20: strips of 18 · 20 · 64 · 3 = 69,120 floats.
        PooledWeightGradient.Supports(new WindowGeometry(channels, 20, 20, kernelHeight, kernelWidth, 1, padding)).Should().BeFalse();
    }

    [Theory]
    [InlineData(1, 2, 2)]
    [InlineData(3, 3, 1)]
    [InlineData(1, 5, 9)]
    [InlineData(1, 9, 2)]
    [InlineData(32, 3, 3)]
    public void Unpadded_windows_of_any_shape_are_served(int channels, int kernelHeight, int kernelWidth)
    {
        PooledWeightGradient.Supports(new WindowGeometry(channels, 20, 20, kernelHeight, kernelWidth, 1, 0)).Should().Be(Lanes256.IsSupported);
    }

    /// <summary>The fused training forward's outputs and maxima, and a random gradient for the pooled values.</summary>
    private sealed record Forward(float[] Output, int[] MaxIndices, float[] Gradient, int PooledPlane, bool Relu);

    private static Forward RunForward(Convolution convolution, FloatTensor input, WindowGeometry geometry, ConvolutionEpilogue epilogue, Random random)
    {
        int batchSize = input.Shape[0];
        int pooledPlane = epilogue.OutputHeight(geometry) * epilogue.OutputWidth(geometry);
        int length = batchSize * convolution.FilterCount * pooledPlane;
        (float[] output, int[] maxIndices) = (new float[length], new int[length]);
        DirectConvolution.Forward(
            input.ReadOnlySpan, convolution.Weight.Value.ReadOnlySpan, convolution.Bias.Value.ReadOnlySpan, output, maxIndices, batchSize, geometry, epilogue);
        float[] gradient = [.. Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() - 0.5))];
        return new Forward(output, maxIndices, gradient, pooledPlane, epilogue.Relu);
    }

    /// <summary>Σ over images and convolution output positions of dLoss/dOutput · window, the output gradient rebuilt as the layers pass it down.</summary>
    private static Sums Definition(FloatTensor input, Forward forward, WindowGeometry geometry, int filters, int batchSize)
    {
        double[] weight = new double[filters * geometry.PatchSize];
        double[] bias = new double[filters];
        double[] weightMagnitude = new double[weight.Length];
        double[] biasMagnitude = new double[filters];
        ReadOnlySpan<float> pixels = input.ReadOnlySpan;
        for (int image = 0; image < batchSize; image++)
        {
            for (int filter = 0; filter < filters; filter++)
            {
                for (int pooled = 0; pooled < forward.PooledPlane; pooled++)
                {
                    int at = (((image * filters) + filter) * forward.PooledPlane) + pooled;
                    if (forward.Relu && !(forward.Output[at] > 0f))
                    {
                        continue;   // the ReLU's gradient is zero there
                    }

                    // The pooled gradient reaches only the window's maximum; every other output position gets zero.
                    double gradient = forward.Gradient[at];
                    int outputY = Math.DivRem(forward.MaxIndices[at], geometry.OutputWidth, out int outputX);
                    bias[filter] += gradient;
                    biasMagnitude[filter] += Math.Abs(gradient);
                    for (int channel = 0; channel < geometry.Channels; channel++)
                    {
                        for (int y = 0; y < geometry.WindowHeight; y++)
                        {
                            for (int x = 0; x < geometry.WindowWidth; x++)
                            {
                                int pixel = (((((image * geometry.Channels) + channel) * geometry.Height) + (outputY * geometry.Stride) + y) * geometry.Width)
                                    + (outputX * geometry.Stride) + x;
                                int tap = (filter * geometry.PatchSize) + (((channel * geometry.WindowHeight) + y) * geometry.WindowWidth) + x;
                                weight[tap] += gradient * pixels[pixel];
                                weightMagnitude[tap] += Math.Abs(gradient * pixels[pixel]);
                            }
                        }
                    }
                }
            }
        }

        return new Sums(weight, bias, weightMagnitude, biasMagnitude);
    }

    private static unsafe (float[] Weight, float[] Bias) Pooled(FloatTensor input, Forward forward, WindowGeometry geometry, int filters, int batchSize)
    {
        float[] weight = new float[filters * geometry.PatchSize];
        float[] bias = new float[filters];
        fixed (float* gradient = forward.Gradient, output = forward.Output)
        fixed (int* maxIndices = forward.MaxIndices)
        {
            PooledWeightGradient.Compute(input.ReadOnlySpan, gradient, forward.Relu ? output : null, maxIndices, forward.PooledPlane, weight, bias, batchSize, geometry);
        }

        return (weight, bias);
    }

    private static unsafe (float[] Weight, float[] Bias) Dense(FloatTensor input, Forward forward, WindowGeometry geometry, int filters, int batchSize)
    {
        float[] weight = new float[filters * geometry.PatchSize];
        float[] bias = new float[filters];
        fixed (float* gradient = forward.Gradient, output = forward.Output)
        fixed (int* maxIndices = forward.MaxIndices)
        {
            var source = ConvolutionOutputGradient.ThroughMaxPooling(gradient, forward.Relu ? output : null, maxIndices, forward.PooledPlane);
            ConvolutionKernels.ParameterGradients(input.ReadOnlySpan, source, weight, bias, batchSize, geometry);
        }

        return (weight, bias);
    }

    /// <summary>The exact sums (in double precision) of each weight's and bias's products, and the sums of their magnitudes.</summary>
    private sealed record Sums(double[] Weight, double[] Bias, double[] WeightMagnitude, double[] BiasMagnitude);

    /// <summary>
    /// How many roundings a product of the pooled kernel can pass through: its register chain (half a filter's maxima of
    /// one image, two chains taking turns), the chunk's images, the chunks, and a few more (adding the two chains, the
    /// bias's vectorized sum).
    /// </summary>
    private static int PooledDepth(Forward forward, int batchSize) =>
        ((forward.PooledPlane + 1) / 2) + ((batchSize + PooledWeightGradient.Chunks - 1) / PooledWeightGradient.Chunks) + PooledWeightGradient.Chunks + 8;

    /// <summary>
    /// Each float sum within what <paramref name="depth"/> roundings can do, whatever the order: depth · 2⁻²³ · Σ|term|
    /// (two units of the last place per rounding, generously). A bound relative to the largest result would fail where
    /// the terms cancel; one that counted every term would miss a dropped one.
    /// </summary>
    private static void ShouldBeWithinRounding(float[] weight, float[] bias, Sums expected, int depth, string because)
    {
        Check(weight, expected.Weight, expected.WeightMagnitude, "weights");
        Check(bias, expected.Bias, expected.BiasMagnitude, "biases");

        void Check(float[] actual, double[] exact, double[] magnitude, string what)
        {
            actual.Should().HaveCount(exact.Length);
            double scale = depth * Math.Pow(2, -23);
            int worst = Enumerable.Range(0, exact.Length).MaxBy(i => Math.Abs(actual[i] - exact[i]) - (scale * magnitude[i]));
            Math.Abs(actual[worst] - exact[worst]).Should().BeLessThanOrEqualTo(
                scale * magnitude[worst], $"{because}: {what}[{worst}] is {actual[worst]}, exactly {exact[worst]}");
        }
    }
}
