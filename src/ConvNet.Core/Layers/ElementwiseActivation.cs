using ConvNet.Core.Tensors;

namespace ConvNet.Core.Layers;

/// <summary>
/// The common shape of the library's element-wise activations (<see cref="Sigmoid"/>, <see cref="Tanh"/>,
/// <see cref="LeakyRelu"/>): y = f(x) on input of any shape, whose derivative can be written in terms of the
/// output y alone, so Backward needs no copy of the input.
/// </summary>
/// <remarks>
/// Training-mode calls reuse their output and gradient buffers (see <see cref="ILayer"/>); inference allocates a
/// new output and touches no state. Only this library derives from this class.
/// </remarks>
public abstract class ElementwiseActivation : ILayer
{
    private FloatTensor? _output;
    private FloatTensor? _inputGradient;
    private TensorShape? _lastOutputShape;

    private protected ElementwiseActivation(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc />
    public TensorShape GetOutputShape(TensorShape inputShape) => inputShape;

    /// <inheritdoc />
    public FloatTensor Forward(FloatTensor input, bool training)
    {
        ArgumentNullException.ThrowIfNull(input);
        FloatTensor output = training ? LayerGuard.Reuse(ref _output, input.Shape) : InferenceBuffers.Rent(input.Shape);
        Activate(input.ReadOnlySpan, output.Span);
        if (training)
        {
            _lastOutputShape = input.Shape;
        }

        return output;
    }

    /// <inheritdoc />
    public FloatTensor Backward(FloatTensor outputGradient)
    {
        LayerGuard.CheckOutputGradient(Name, _lastOutputShape, outputGradient);
        FloatTensor inputGradient = LayerGuard.Reuse(ref _inputGradient, outputGradient.Shape);
        Differentiate(_output!.ReadOnlySpan, outputGradient.ReadOnlySpan, inputGradient.Span);
        return inputGradient;
    }

    /// <summary>output[i] = f(input[i]).</summary>
    private protected abstract void Activate(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>inputGradient[i] = f′ at the point whose output was output[i], times outputGradient[i].</summary>
    private protected abstract void Differentiate(ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient);
}
