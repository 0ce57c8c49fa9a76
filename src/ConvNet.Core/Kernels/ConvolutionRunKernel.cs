namespace ConvNet.Core.Kernels;

/// <summary>
/// The kernel for a fused convolution run (convolution + bias [+ ReLU] [+ max pooling]), in inference and in training:
/// <see cref="DirectConvolution"/> where the window reads the image in place (no padding), else
/// <see cref="FusedConvolution"/>. Both give the layers' values and the same max indices, bit for bit.
/// </summary>
internal static class ConvolutionRunKernel
{
    /// <summary>output = epilogue(convolution(input) + bias); <paramref name="maxIndices"/> empty, or (training, pooled) one per output.</summary>
    public static void Forward(
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output, Span<int> maxIndices, int batchSize,
        WindowGeometry geometry, ConvolutionEpilogue epilogue)
    {
        if (DirectConvolution.Supports(geometry))
        {
            // Read in place, windows of zeros skipped.
            DirectConvolution.Forward(input, weight, bias, output, maxIndices, batchSize, geometry, epilogue);
        }
        else
        {
            FusedConvolution.Forward(input, weight, bias, output, maxIndices, batchSize, geometry, epilogue);
        }
    }
}
