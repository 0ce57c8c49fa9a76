using ConvNet.Core.Kernels;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Layers;

/// <summary>
/// A 2-D convolution (cross-correlation, as in the seed) of [batch, inputChannels, height, width] images with
/// <c>filterCount</c> kernelHeight × kernelWidth filters, computed image by image on every core as a patch unroll and one
/// matrix product that lands directly in NCHW order.
/// Output: [batch, filterCount, (height + 2·padding − kernelHeight) / stride + 1, (width + 2·padding − kernelWidth) / stride + 1],
/// rounded down.
/// </summary>
/// <remarks>
/// Parameters: <c>weight</c> [filterCount, inputChannels, kernelHeight, kernelWidth] and <c>bias</c> [filterCount], both
/// zero until initialized (see <see cref="WeightInitialization"/>). The contracts of <see cref="ILayer"/> hold: training-mode
/// calls reuse their buffers while the batch size stays the same; inference-mode Forward returns a new output tensor (see <see cref="InferenceBuffers"/>).
/// </remarks>
public sealed class Convolution : ILayer
{
    private readonly Parameter[] _parameters;
    private WindowGeometry _trainingGeometry;
    private FloatTensor? _input;
    private FloatTensor? _output;
    private FloatTensor? _inputGradient;

    /// <summary>Creates a convolution with square filters, zero weights and biases.</summary>
    /// <param name="name">The layer's name, such as <c>conv1</c>.</param>
    /// <param name="inputChannels">Channels of the input images.</param>
    /// <param name="filterCount">Number of filters, which is the number of output channels.</param>
    /// <param name="kernelSize">Height and width of each filter.</param>
    /// <param name="stride">Step between neighbouring filter positions, down and across.</param>
    /// <param name="padding">Zero border added on every side of the input.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or the padding is negative.</exception>
    public Convolution(string name, int inputChannels, int filterCount, int kernelSize, int stride = 1, int padding = 0)
        : this(name, inputChannels, filterCount, (kernelSize, kernelSize), stride, padding)
    {
    }

    /// <summary>Creates a convolution with filters of any shape (the seed's FN×C×FH×FW), zero weights and biases.</summary>
    /// <param name="name">The layer's name, such as <c>conv1</c>.</param>
    /// <param name="inputChannels">Channels of the input images.</param>
    /// <param name="filterCount">Number of filters, which is the number of output channels.</param>
    /// <param name="kernelSize">Height and width of each filter.</param>
    /// <param name="stride">Step between neighbouring filter positions, down and across.</param>
    /// <param name="padding">Zero border added on every side of the input.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or the padding is negative.</exception>
    public Convolution(string name, int inputChannels, int filterCount, (int Height, int Width) kernelSize, int stride = 1, int padding = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(filterCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize.Height, nameof(kernelSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize.Width, nameof(kernelSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        Name = name;
        InputChannels = inputChannels;
        FilterCount = filterCount;
        KernelHeight = kernelSize.Height;
        KernelWidth = kernelSize.Width;
        Stride = stride;
        Padding = padding;
        Weight = new Parameter("weight", new FloatTensor(filterCount, inputChannels, KernelHeight, KernelWidth));
        Bias = new Parameter("bias", new FloatTensor(filterCount));
        _parameters = [Weight, Bias];
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Channels of the input images.</summary>
    public int InputChannels { get; }

    /// <summary>Number of filters (output channels).</summary>
    public int FilterCount { get; }

    /// <summary>Height of each filter.</summary>
    public int KernelHeight { get; }

    /// <summary>Width of each filter.</summary>
    public int KernelWidth { get; }

    /// <summary>Step between neighbouring filter positions, down and across.</summary>
    public int Stride { get; }

    /// <summary>Zero border added on every side of the input.</summary>
    public int Padding { get; }

    /// <summary>The filters, [filterCount, inputChannels, kernelHeight, kernelWidth].</summary>
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
    public FloatTensor Forward(FloatTensor input, bool training)
    {
        ArgumentNullException.ThrowIfNull(input);
        TensorShape outputShape = OutputShape(input.Shape, nameof(input));
        WindowGeometry geometry = GeometryFor(input.Shape);
        FloatTensor output = training ? LayerGuard.Reuse(ref _output, outputShape) : InferenceBuffers.Rent(outputShape);
        ConvolutionKernels.Forward(input.ReadOnlySpan, Weight.Value.ReadOnlySpan, Bias.Value.ReadOnlySpan, output.Span, input.Shape[0], geometry);
        if (training)
        {
            // Backward unrolls the input again rather than keeping a batch-sized column matrix: a copy of the
            // images is a fraction of that size, and the caller may reuse its input tensor meanwhile.
            input.ReadOnlySpan.CopyTo(LayerGuard.Reuse(ref _input, input.Shape).Span);
            _trainingGeometry = geometry;
        }

        return output;
    }

    /// <inheritdoc />
    public FloatTensor Backward(FloatTensor outputGradient)
    {
        LayerGuard.CheckOutputGradient(Name, _output?.Shape, outputGradient);
        FloatTensor input = _input!; // Set by the same training-mode Forward that set _output.
        WindowGeometry geometry = _trainingGeometry;
        int batchSize = outputGradient.Shape[0];
        ConvolutionKernels.ParameterGradients(
            input.ReadOnlySpan, outputGradient.ReadOnlySpan, Weight.Gradient.Span, Bias.Gradient.Span, batchSize, geometry);
        FloatTensor inputGradient = LayerGuard.Reuse(ref _inputGradient, input.Shape);
        if (ComputesInputGradient)
        {
            ConvolutionKernels.InputGradient(outputGradient.ReadOnlySpan, Weight.Value.ReadOnlySpan, inputGradient.Span, batchSize, FilterCount, geometry);
        }

        return inputGradient;
    }

    /// <summary>Where the filters land on an input of <paramref name="inputShape"/> [batch, channels, height, width].</summary>
    internal WindowGeometry GeometryFor(TensorShape inputShape) =>
        new(InputChannels, inputShape[2], inputShape[3], KernelHeight, KernelWidth, Stride, Padding);

    private TensorShape OutputShape(TensorShape inputShape, string argumentName)
    {
        if (inputShape.Rank != 4 || inputShape[1] != InputChannels)
        {
            throw new ArgumentException(
                $"Layer '{Name}' expects input [batch, {InputChannels}, height, width]; got {inputShape}.", argumentName);
        }

        if (inputShape[2] + (2 * Padding) < KernelHeight || inputShape[3] + (2 * Padding) < KernelWidth)
        {
            throw new ArgumentException(
                $"Layer '{Name}': a {KernelHeight}×{KernelWidth} kernel with padding {Padding} does not fit input {inputShape}; "
                + $"height must be at least {KernelHeight - (2 * Padding)} and width at least {KernelWidth - (2 * Padding)}.",
                argumentName);
        }

        WindowGeometry geometry = GeometryFor(inputShape);
        return new TensorShape(inputShape[0], FilterCount, geometry.OutputHeight, geometry.OutputWidth);
    }
}
