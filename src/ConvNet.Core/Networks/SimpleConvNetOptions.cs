using ConvNet.Core.Kernels;

namespace ConvNet.Core.Networks;

/// <summary>
/// The architecture of a <see cref="SimpleConvNet"/>. The defaults are the seed's: 1×28×28 input, 30 filters 5×5 with
/// stride 1 and no padding, 2×2 max pooling with stride 2, 100 hidden units, 10 classes, weights drawn with standard
/// deviation 0.01.
/// </summary>
public sealed record SimpleConvNetOptions
{
    /// <summary>Channels of the input images.</summary>
    public int InputChannels { get; init; } = 1;

    /// <summary>Height of the input images.</summary>
    public int InputHeight { get; init; } = 28;

    /// <summary>Width of the input images.</summary>
    public int InputWidth { get; init; } = 28;

    /// <summary>Number of convolution filters.</summary>
    public int FilterCount { get; init; } = 30;

    /// <summary>Height and width of each filter.</summary>
    public int FilterSize { get; init; } = 5;

    /// <summary>Step between filter positions.</summary>
    public int ConvolutionStride { get; init; } = 1;

    /// <summary>Zero border added around the input of the convolution.</summary>
    public int ConvolutionPadding { get; init; }

    /// <summary>Height and width of the max-pooling windows.</summary>
    public int PoolSize { get; init; } = 2;

    /// <summary>Step between pooling windows.</summary>
    public int PoolStride { get; init; } = 2;

    /// <summary>Units of the hidden affine layer.</summary>
    public int HiddenSize { get; init; } = 100;

    /// <summary>Number of classes.</summary>
    public int OutputSize { get; init; } = 10;

    /// <summary>Standard deviation of the normal draws for all weights (biases start at zero).</summary>
    public float WeightInitStandardDeviation { get; init; } = 0.01f;

    /// <summary>Checks every value and the sizes derived from them.</summary>
    /// <exception cref="ArgumentException">A value is out of range or the geometry does not fit; the message names the
    /// property and the derived sizes.</exception>
    public void Validate()
    {
        RequirePositive(InputChannels, nameof(InputChannels));
        RequirePositive(InputHeight, nameof(InputHeight));
        RequirePositive(InputWidth, nameof(InputWidth));
        RequirePositive(FilterCount, nameof(FilterCount));
        RequirePositive(FilterSize, nameof(FilterSize));
        RequirePositive(ConvolutionStride, nameof(ConvolutionStride));
        RequirePositive(PoolSize, nameof(PoolSize));
        RequirePositive(PoolStride, nameof(PoolStride));
        RequirePositive(HiddenSize, nameof(HiddenSize));
        RequirePositive(OutputSize, nameof(OutputSize));
        if (ConvolutionPadding < 0)
        {
            throw new ArgumentException($"{nameof(ConvolutionPadding)} must be 0 or more; got {ConvolutionPadding}.", nameof(ConvolutionPadding));
        }

        if (!float.IsFinite(WeightInitStandardDeviation) || WeightInitStandardDeviation < 0f)
        {
            throw new ArgumentException(
                $"{nameof(WeightInitStandardDeviation)} must be finite and 0 or more; got {WeightInitStandardDeviation}.", nameof(WeightInitStandardDeviation));
        }

        int paddedHeight = InputHeight + (2 * ConvolutionPadding);
        int paddedWidth = InputWidth + (2 * ConvolutionPadding);
        if (FilterSize > paddedHeight || FilterSize > paddedWidth)
        {
            throw new ArgumentException(
                $"{nameof(FilterSize)} {FilterSize} does not fit the padded input {paddedHeight}×{paddedWidth} " +
                $"({InputHeight}×{InputWidth} with {nameof(ConvolutionPadding)} {ConvolutionPadding}).",
                nameof(FilterSize));
        }

        var convolution = new WindowGeometry(InputChannels, InputHeight, InputWidth, FilterSize, FilterSize, ConvolutionStride, ConvolutionPadding);
        if (PoolSize > convolution.OutputHeight || PoolSize > convolution.OutputWidth)
        {
            throw new ArgumentException(
                $"{nameof(PoolSize)} {PoolSize} does not fit the convolution output {convolution.OutputHeight}×{convolution.OutputWidth} " +
                $"(input {InputHeight}×{InputWidth}, {nameof(FilterSize)} {FilterSize}, {nameof(ConvolutionStride)} {ConvolutionStride}, {nameof(ConvolutionPadding)} {ConvolutionPadding}).",
                nameof(PoolSize));
        }
    }

    private static void RequirePositive(int value, string propertyName)
    {
        if (value <= 0)
        {
            throw new ArgumentException($"{propertyName} must be positive; got {value}.", propertyName);
        }
    }
}
