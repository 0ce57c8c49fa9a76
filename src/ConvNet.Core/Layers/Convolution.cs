using ConvNet.Core.Kernels;
using ConvNet.Core.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace ConvNet.Core.Layers;

/// <summary>
/// A 2-D convolution (cross-correlation, as in the seed) of [batch, inputChannels, height, width] images with
/// <c>filterCount</c> square filters, computed as im2col followed by one matrix product.
/// Output: [batch, filterCount, (height + 2·padding − kernelSize) / stride + 1, (same for width)], rounded down.
/// </summary>
/// <remarks>
/// Parameters: <c>weight</c> [filterCount, inputChannels, kernelSize, kernelSize] and <c>bias</c> [filterCount], both
/// zero until initialized (see <see cref="WeightInitialization"/>). The contracts of <see cref="ILayer"/> hold: training-mode
/// calls reuse their buffers while the batch size stays the same; inference-mode Forward allocates its own.
/// </remarks>
public sealed class Convolution : ILayer
{
    private readonly Parameter[] _parameters;
    private WindowGeometry _trainingGeometry;
    private float[]? _columns;
    private float[]? _outputPositions;
    private float[]? _outputGradientPositions;
    private float[]? _columnsGradient;
    private Tensor? _output;
    private Tensor? _inputGradient;

    /// <summary>Creates a convolution with zero weights and biases.</summary>
    /// <param name="name">The layer's name, such as <c>conv1</c>.</param>
    /// <param name="inputChannels">Channels of the input images.</param>
    /// <param name="filterCount">Number of filters, which is the number of output channels.</param>
    /// <param name="kernelSize">Height and width of each filter.</param>
    /// <param name="stride">Step between neighbouring filter positions.</param>
    /// <param name="padding">Zero border added on every side of the input.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or the padding is negative.</exception>
    public Convolution(string name, int inputChannels, int filterCount, int kernelSize, int stride = 1, int padding = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(filterCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        Name = name;
        InputChannels = inputChannels;
        FilterCount = filterCount;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Weight = new Parameter("weight", new Tensor(filterCount, inputChannels, kernelSize, kernelSize));
        Bias = new Parameter("bias", new Tensor(filterCount));
        _parameters = [Weight, Bias];
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Channels of the input images.</summary>
    public int InputChannels { get; }

    /// <summary>Number of filters (output channels).</summary>
    public int FilterCount { get; }

    /// <summary>Height and width of each filter.</summary>
    public int KernelSize { get; }

    /// <summary>Step between neighbouring filter positions.</summary>
    public int Stride { get; }

    /// <summary>Zero border added on every side of the input.</summary>
    public int Padding { get; }

    /// <summary>The filters, [filterCount, inputChannels, kernelSize, kernelSize].</summary>
    public Parameter Weight { get; }

    /// <summary>One bias per filter, [filterCount].</summary>
    public Parameter Bias { get; }

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>
    /// Whether Backward computes dLoss/dInput (true by default). A network sets it to false when this layer comes first,
    /// since nothing consumes the gradient of the data and col2im plus its matrix product would be wasted work;
    /// Backward then still fills the parameter gradients but returns a zero tensor shaped like the input.
    /// </summary>
    internal bool ComputesInputGradient { get; set; } = true;

    /// <inheritdoc />
    public TensorShape GetOutputShape(TensorShape inputShape) => OutputShape(inputShape, nameof(inputShape));

    /// <inheritdoc />
    public Tensor Forward(Tensor input, bool training)
    {
        ArgumentNullException.ThrowIfNull(input);
        TensorShape outputShape = OutputShape(input.Shape, nameof(input));
        int batchSize = input.Shape[0];
        WindowGeometry geometry = GeometryFor(input.Shape);
        int rows = batchSize * geometry.OutputPositions;
        float[] columns = training ? LayerGuard.Reuse(ref _columns, rows * geometry.PatchSize) : new float[rows * geometry.PatchSize];
        float[] outputPositions = training ? LayerGuard.Reuse(ref _outputPositions, rows * FilterCount) : new float[rows * FilterCount];
        Tensor output = training ? LayerGuard.Reuse(ref _output, outputShape) : new Tensor(outputShape);

        ImageColumns.Im2Col(input.ReadOnlySpan, columns, batchSize, geometry);
        Gemm.MultiplyTransposedB(columns, Weight.Value.ReadOnlySpan, outputPositions, rows, geometry.PatchSize, FilterCount);
        ChannelLayout.PositionsToChannels(outputPositions, output.Span, batchSize, geometry.OutputPositions, FilterCount);
        AddBias(output.Span, batchSize * FilterCount, geometry.OutputPositions);
        if (training)
        {
            _trainingGeometry = geometry;
        }

        return output;
    }

    /// <inheritdoc />
    public Tensor Backward(Tensor outputGradient)
    {
        LayerGuard.CheckOutputGradient(Name, _output?.Shape, outputGradient);
        WindowGeometry geometry = _trainingGeometry;
        int batchSize = outputGradient.Shape[0];
        int rows = batchSize * geometry.OutputPositions;
        float[] gradientPositions = LayerGuard.Reuse(ref _outputGradientPositions, rows * FilterCount);
        ChannelLayout.ChannelsToPositions(outputGradient.ReadOnlySpan, gradientPositions, batchSize, FilterCount, geometry.OutputPositions);

        // dBias[f] = Σ over batch and positions of dOut[n, f, ·]; dWeight = dOutᵀ · columns.
        SumPlanesPerChannel(outputGradient.ReadOnlySpan, Bias.Gradient.Span, batchSize, geometry.OutputPositions);
        Gemm.MultiplyTransposedA(gradientPositions, _columns, Weight.Gradient.Span, FilterCount, rows, geometry.PatchSize);

        Tensor inputGradient = LayerGuard.Reuse(ref _inputGradient, new TensorShape(batchSize, InputChannels, geometry.Height, geometry.Width));
        if (ComputesInputGradient)
        {
            float[] columnsGradient = LayerGuard.Reuse(ref _columnsGradient, rows * geometry.PatchSize);
            Gemm.Multiply(gradientPositions, Weight.Value.ReadOnlySpan, columnsGradient, rows, FilterCount, geometry.PatchSize);
            ImageColumns.Col2Im(columnsGradient, inputGradient.Span, batchSize, geometry);
        }

        return inputGradient;
    }

    private void AddBias(Span<float> output, int planeCount, int planeSize)
    {
        ReadOnlySpan<float> bias = Bias.Value.ReadOnlySpan;
        for (int plane = 0; plane < planeCount; plane++)
        {
            Span<float> values = output.Slice(plane * planeSize, planeSize);
            TensorPrimitives.Add(values, bias[plane % FilterCount], values);
        }
    }

    private void SumPlanesPerChannel(ReadOnlySpan<float> gradient, Span<float> sums, int batchSize, int planeSize)
    {
        sums.Clear();
        for (int item = 0; item < batchSize; item++)
        {
            for (int filter = 0; filter < FilterCount; filter++)
            {
                sums[filter] += TensorPrimitives.Sum(gradient.Slice(((item * FilterCount) + filter) * planeSize, planeSize));
            }
        }
    }

    private WindowGeometry GeometryFor(TensorShape inputShape) =>
        new(InputChannels, inputShape[2], inputShape[3], KernelSize, KernelSize, Stride, Padding);

    private TensorShape OutputShape(TensorShape inputShape, string argumentName)
    {
        if (inputShape.Rank != 4 || inputShape[1] != InputChannels)
        {
            throw new ArgumentException(
                $"Layer '{Name}' expects input [batch, {InputChannels}, height, width]; got {inputShape}.", argumentName);
        }

        if (inputShape[2] + (2 * Padding) < KernelSize || inputShape[3] + (2 * Padding) < KernelSize)
        {
            throw new ArgumentException(
                $"Layer '{Name}': a {KernelSize}×{KernelSize} kernel with padding {Padding} does not fit input {inputShape}; height and width must be at least {KernelSize - (2 * Padding)}.",
                argumentName);
        }

        WindowGeometry geometry = GeometryFor(inputShape);
        return new TensorShape(inputShape[0], FilterCount, geometry.OutputHeight, geometry.OutputWidth);
    }
}
