using ConvNet.Core.Kernels;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Layers;

/// <summary>
/// Max or average pooling of [batch, channels, height, width] images over poolHeight × poolWidth windows, channel by channel.
/// Output: [batch, channels, (height + 2·padding − poolHeight) / stride + 1, (width + 2·padding − poolWidth) / stride + 1],
/// rounded down.
/// </summary>
/// <remarks>
/// <para>Padding is the seed's: a border of zeros that takes part in every window it reaches, so a max over a window of
/// negative pixels and border is 0, and an average divides by the whole window, border included (PyTorch's AvgPool2d
/// with <c>count_include_pad=True</c>; PyTorch's MaxPool2d pads with −∞ instead, which a zero border is not: the
/// equivalent there is <c>ZeroPad2d</c> then <c>MaxPool2d</c>). The padding must be smaller than the window, as ONNX
/// requires; windows that would overhang the padded image are dropped.</para>
/// <para>Max pooling routes each gradient to the first maximum of its window, as the seed's argmax does (a maximum on
/// the border passes no gradient on). The contracts of <see cref="ILayer"/> hold: training-mode calls reuse their buffers
/// while the batch size stays the same; inference-mode Forward returns a new output tensor (see <see cref="InferenceBuffers"/>).</para>
/// </remarks>
public sealed class Pooling : ILayer
{
    // The unpadded pooling loops run on a zero-bordered copy of the input; without padding, on the input itself.
    private WindowGeometry _trainingGeometry;
    private int[]? _maxIndices;
    private FloatTensor? _output;
    private FloatTensor? _paddedInput;
    private FloatTensor? _paddedGradient;
    private FloatTensor? _inputGradient;

    /// <summary>Creates a pooling layer with square windows.</summary>
    /// <param name="name">The layer's name, such as <c>pool1</c>.</param>
    /// <param name="poolSize">Height and width of each window.</param>
    /// <param name="stride">Step between neighbouring windows (the seed uses the pool size).</param>
    /// <param name="mode">Max (default, as in the seed) or average.</param>
    /// <param name="padding">Zeros added on every side of the input (see the remarks); smaller than the window.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, the padding is negative or not smaller than the window, or the mode is unknown.</exception>
    public Pooling(string name, int poolSize, int stride, PoolingMode mode = PoolingMode.Max, int padding = 0)
        : this(name, (poolSize, poolSize), stride, mode, padding)
    {
    }

    /// <summary>Creates a pooling layer with windows of any shape, like the seed's <c>Pooling(pool_h, pool_w, stride, pad)</c>.</summary>
    /// <param name="name">The layer's name, such as <c>pool1</c>.</param>
    /// <param name="poolSize">Height and width of each window.</param>
    /// <param name="stride">Step between neighbouring windows, down and across.</param>
    /// <param name="mode">Max (default, as in the seed) or average.</param>
    /// <param name="padding">Zeros added on every side of the input (see the remarks); smaller than the window.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, the padding is negative or not smaller than the window, or the mode is unknown.</exception>
    public Pooling(string name, (int Height, int Width) poolSize, int stride, PoolingMode mode = PoolingMode.Max, int padding = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(poolSize.Height, nameof(poolSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(poolSize.Width, nameof(poolSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        if (padding >= Math.Min(poolSize.Height, poolSize.Width))
        {
            throw new ArgumentOutOfRangeException(
                nameof(padding), padding, $"The padding must be smaller than the {poolSize.Height}×{poolSize.Width} window (a wider border only adds windows of zeros).");
        }

        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Use PoolingMode.Max or PoolingMode.Average.");
        }

        Name = name;
        PoolHeight = poolSize.Height;
        PoolWidth = poolSize.Width;
        Stride = stride;
        Mode = mode;
        Padding = padding;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Height of each window.</summary>
    public int PoolHeight { get; }

    /// <summary>Width of each window.</summary>
    public int PoolWidth { get; }

    /// <summary>Step between neighbouring windows, down and across.</summary>
    public int Stride { get; }

    /// <summary>Max or average.</summary>
    public PoolingMode Mode { get; }

    /// <summary>Zeros added on every side of the input; they take part in the max and the average (see the remarks).</summary>
    public int Padding { get; }

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc />
    public TensorShape GetOutputShape(TensorShape inputShape) => OutputShape(inputShape, nameof(inputShape));

    /// <inheritdoc />
    public FloatTensor Forward(FloatTensor input, bool training)
    {
        ArgumentNullException.ThrowIfNull(input);
        TensorShape outputShape = OutputShape(input.Shape, nameof(input));
        WindowGeometry geometry = GeometryFor(input.Shape);
        int planeCount = input.Shape[0] * input.Shape[1];
        FloatTensor output = training ? LayerGuard.Reuse(ref _output, outputShape) : InferenceBuffers.Rent(outputShape);
        FloatTensor pooled = input;
        if (Padding > 0)
        {
            // [batch, channels, height + 2·padding, width + 2·padding], zeros around the input.
            TensorShape paddedShape = new(input.Shape[0], input.Shape[1], geometry.Height, geometry.Width);
            pooled = training ? LayerGuard.Reuse(ref _paddedInput, paddedShape) : InferenceBuffers.Rent(paddedShape);
            ZeroBorder.Pad(input.ReadOnlySpan, pooled.Span, planeCount, input.Shape[2], input.Shape[3], Padding);
        }

        if (Mode == PoolingMode.Max)
        {
            Span<int> maxIndices = training ? LayerGuard.Reuse(ref _maxIndices, output.Length) : [];
            PoolingKernels.MaxForward(pooled.ReadOnlySpan, output.Span, maxIndices, planeCount, geometry);
        }
        else
        {
            Pool.AverageForward(pooled.ReadOnlySpan, output.Span, planeCount, geometry);
        }

        if (training)
        {
            _trainingGeometry = geometry;
        }
        else if (Padding > 0)
        {
            InferenceBuffers.Return(pooled);
        }

        return output;
    }

    /// <inheritdoc />
    public FloatTensor Backward(FloatTensor outputGradient)
    {
        LayerGuard.CheckOutputGradient(Name, _output?.Shape, outputGradient);
        WindowGeometry geometry = _trainingGeometry;
        TensorShape outputShape = outputGradient.Shape;
        int planeCount = outputShape[0] * outputShape[1];
        int height = geometry.Height - (2 * Padding), width = geometry.Width - (2 * Padding);
        FloatTensor inputGradient = LayerGuard.Reuse(ref _inputGradient, new TensorShape(outputShape[0], outputShape[1], height, width));

        // The gradient of the padded input; without padding, that is the input's gradient itself.
        FloatTensor pooledGradient = Padding > 0
            ? LayerGuard.Reuse(ref _paddedGradient, new TensorShape(outputShape[0], outputShape[1], geometry.Height, geometry.Width))
            : inputGradient;
        if (Mode == PoolingMode.Max)
        {
            PoolingKernels.MaxBackward(outputGradient.ReadOnlySpan, _maxIndices, pooledGradient.Span, planeCount, geometry);
        }
        else
        {
            Pool.AverageBackward(outputGradient.ReadOnlySpan, pooledGradient.Span, planeCount, geometry);
        }

        if (Padding > 0)
        {
            ZeroBorder.Crop(pooledGradient.ReadOnlySpan, inputGradient.Span, planeCount, height, width, Padding);
        }

        return inputGradient;
    }

    /// <summary>The windows on the (padded) planes of <paramref name="inputShape"/>: the pooling loops see the border as pixels.</summary>
    private WindowGeometry GeometryFor(TensorShape inputShape) =>
        new(1, inputShape[2] + (2 * Padding), inputShape[3] + (2 * Padding), PoolHeight, PoolWidth, Stride, Padding: 0);

    private TensorShape OutputShape(TensorShape inputShape, string argumentName)
    {
        if (inputShape.Rank != 4 || inputShape[2] + (2 * Padding) < PoolHeight || inputShape[3] + (2 * Padding) < PoolWidth)
        {
            throw new ArgumentException(
                $"Layer '{Name}' expects input [batch, channels, height ≥ {PoolHeight - (2 * Padding)}, width ≥ {PoolWidth - (2 * Padding)}] "
                + $"for {PoolHeight}×{PoolWidth} windows with padding {Padding}; got {inputShape}.",
                argumentName);
        }

        WindowGeometry geometry = GeometryFor(inputShape);
        return new TensorShape(inputShape[0], inputShape[1], geometry.OutputHeight, geometry.OutputWidth);
    }
}
