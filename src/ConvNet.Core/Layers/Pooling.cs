using ConvNet.Core.Kernels;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Layers;

/// <summary>
/// Square max or average pooling of [batch, channels, height, width] images, channel by channel.
/// Output: [batch, channels, (height − poolSize) / stride + 1, (width − poolSize) / stride + 1], rounded down.
/// </summary>
/// <remarks>
/// There is no padding: a zero border would win the max over negative windows and change average windows, so
/// rather than pad (with −∞ for max), the layer reads only real pixels and drops windows that would overhang.
/// Max pooling routes each gradient to the first maximum of its window, as the seed's argmax does.
/// The contracts of <see cref="ILayer"/> hold: training-mode calls reuse their buffers while the batch size stays
/// the same; inference-mode Forward returns a new output tensor (see <see cref="InferenceBuffers"/>).
/// </remarks>
public sealed class Pooling : ILayer
{
    private WindowGeometry _trainingGeometry;
    private int[]? _maxIndices;
    private FloatTensor? _output;
    private FloatTensor? _inputGradient;

    /// <summary>Creates a pooling layer.</summary>
    /// <param name="name">The layer's name, such as <c>pool1</c>.</param>
    /// <param name="poolSize">Height and width of each window.</param>
    /// <param name="stride">Step between neighbouring windows (the seed uses the pool size).</param>
    /// <param name="mode">Max (default, as in the seed) or average.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive or the mode is unknown.</exception>
    public Pooling(string name, int poolSize, int stride, PoolingMode mode = PoolingMode.Max)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(poolSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Use PoolingMode.Max or PoolingMode.Average.");
        }

        Name = name;
        PoolSize = poolSize;
        Stride = stride;
        Mode = mode;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Height and width of each window.</summary>
    public int PoolSize { get; }

    /// <summary>Step between neighbouring windows.</summary>
    public int Stride { get; }

    /// <summary>Max or average.</summary>
    public PoolingMode Mode { get; }

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
        if (Mode == PoolingMode.Max)
        {
            Span<int> maxIndices = training ? LayerGuard.Reuse(ref _maxIndices, output.Length) : [];
            PoolingKernels.MaxForward(input.ReadOnlySpan, output.Span, maxIndices, planeCount, geometry);
        }
        else
        {
            Pool.AverageForward(input.ReadOnlySpan, output.Span, planeCount, geometry);
        }

        if (training)
        {
            _trainingGeometry = geometry;
        }

        return output;
    }

    /// <inheritdoc />
    public FloatTensor Backward(FloatTensor outputGradient)
    {
        LayerGuard.CheckOutputGradient(Name, _output?.Shape, outputGradient);
        TensorShape outputShape = outputGradient.Shape;
        FloatTensor inputGradient = LayerGuard.Reuse(
            ref _inputGradient, new TensorShape(outputShape[0], outputShape[1], _trainingGeometry.Height, _trainingGeometry.Width));
        if (Mode == PoolingMode.Max)
        {
            PoolingKernels.MaxBackward(outputGradient.ReadOnlySpan, _maxIndices, inputGradient.Span, outputShape[0] * outputShape[1], _trainingGeometry);
        }
        else
        {
            Pool.AverageBackward(outputGradient.ReadOnlySpan, inputGradient.Span, outputShape[0] * outputShape[1], _trainingGeometry);
        }

        return inputGradient;
    }

    private WindowGeometry GeometryFor(TensorShape inputShape) =>
        new(1, inputShape[2], inputShape[3], PoolSize, PoolSize, Stride, Padding: 0);

    private TensorShape OutputShape(TensorShape inputShape, string argumentName)
    {
        if (inputShape.Rank != 4 || inputShape[2] < PoolSize || inputShape[3] < PoolSize)
        {
            throw new ArgumentException(
                $"Layer '{Name}' expects input [batch, channels, height ≥ {PoolSize}, width ≥ {PoolSize}]; got {inputShape}.", argumentName);
        }

        WindowGeometry geometry = GeometryFor(inputShape);
        return new TensorShape(inputShape[0], inputShape[1], geometry.OutputHeight, geometry.OutputWidth);
    }
}
