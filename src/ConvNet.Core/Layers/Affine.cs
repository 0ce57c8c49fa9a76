using ConvNet.Core.Kernels;
using ConvNet.Core.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace ConvNet.Core.Layers;

/// <summary>
/// A fully connected layer y = x·W + b. Input: [batch, ...] with <c>inputSize</c> elements per item (4-D images are
/// flattened, as in the seed); output: [batch, outputSize]. Backward returns the gradient in the input's original shape.
/// </summary>
/// <remarks>
/// Parameters: <c>weight</c> [inputSize, outputSize] (the seed's layout) and <c>bias</c> [outputSize], both zero until
/// initialized (see <see cref="WeightInitialization"/>). Training-mode Forward copies its input into a reused buffer
/// for Backward, so the caller may change its input afterwards (a network's own training step, which runs Backward in the
/// same call, keeps a reference instead); inference-mode Forward returns a new output tensor (see <see cref="InferenceBuffers"/>).
/// </remarks>
public sealed class Affine : ILayer
{
    private readonly Parameter[] _parameters;
    private FloatTensor? _input;
    private FloatTensor? _inputCopy;
    private FloatTensor? _output;
    private FloatTensor? _inputGradient;

    /// <summary>Creates an affine layer with zero weights and biases.</summary>
    /// <param name="name">The layer's name, such as <c>affine1</c>.</param>
    /// <param name="inputSize">Elements per input item.</param>
    /// <param name="outputSize">Outputs per item.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public Affine(string name, int inputSize, int outputSize)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputSize);
        Name = name;
        InputSize = inputSize;
        OutputSize = outputSize;
        Weight = new Parameter("weight", new FloatTensor(inputSize, outputSize));
        Bias = new Parameter("bias", new FloatTensor(outputSize));
        _parameters = [Weight, Bias];
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Elements per input item.</summary>
    public int InputSize { get; }

    /// <summary>Outputs per item.</summary>
    public int OutputSize { get; }

    /// <summary>The weights, [inputSize, outputSize].</summary>
    public Parameter Weight { get; }

    /// <summary>The biases, [outputSize].</summary>
    public Parameter Bias { get; }

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <inheritdoc />
    public TensorShape GetOutputShape(TensorShape inputShape) => OutputShape(inputShape, nameof(inputShape));

    /// <inheritdoc />
    public FloatTensor Forward(FloatTensor input, bool training) => Forward(input, training, keepInputReference: false);

    /// <summary>
    /// Training-mode Forward that keeps a reference to <paramref name="input"/> for Backward instead of a copy: for a
    /// caller that runs Backward before anything can change the input (a network's training step, forward and backward
    /// in one call), it saves copying a batch of inputs (1.7 MB for the seed's first affine layer) on every step.
    /// </summary>
    internal FloatTensor ForwardKeepingInput(FloatTensor input) => Forward(input, training: true, keepInputReference: true);

    private FloatTensor Forward(FloatTensor input, bool training, bool keepInputReference)
    {
        ArgumentNullException.ThrowIfNull(input);
        TensorShape outputShape = OutputShape(input.Shape, nameof(input));
        FloatTensor output = training ? LayerGuard.Reuse(ref _output, outputShape) : InferenceBuffers.Rent(outputShape);
        if (training)
        {
            Gemm.MultiplyForTraining(input.ReadOnlySpan, Weight.Value.ReadOnlySpan, output.Span, outputShape[0], InputSize, OutputSize);
        }
        else
        {
            Gemm.Multiply(input.ReadOnlySpan, Weight.Value.ReadOnlySpan, output.Span, outputShape[0], InputSize, OutputSize);
        }
        ReadOnlySpan<float> bias = Bias.Value.ReadOnlySpan;
        for (int item = 0; item < outputShape[0]; item++)
        {
            Span<float> row = output.Span.Slice(item * OutputSize, OutputSize);
            TensorPrimitives.Add(row, bias, row);
        }

        if (training)
        {
            // The copy has a buffer of its own, so that a kept reference is never mistaken for one to reuse.
            if (keepInputReference)
            {
                _input = input;
            }
            else
            {
                input.ReadOnlySpan.CopyTo(LayerGuard.Reuse(ref _inputCopy, input.Shape).Span);
                _input = _inputCopy;
            }
        }

        return output;
    }

    /// <inheritdoc />
    public FloatTensor Backward(FloatTensor outputGradient)
    {
        LayerGuard.CheckOutputGradient(Name, _output?.Shape, outputGradient);
        FloatTensor input = _input!; // Set by the same training-mode Forward that set _output.
        int batchSize = outputGradient.Shape[0];
        ReadOnlySpan<float> gradient = outputGradient.ReadOnlySpan;

        // dW = xᵀ·dY, db = column sums of dY, dx = dY·Wᵀ.
        Gemm.MultiplyTransposedA(input.ReadOnlySpan, gradient, Weight.Gradient.Span, InputSize, batchSize, OutputSize);
        Span<float> biasGradient = Bias.Gradient.Span;
        biasGradient.Clear();
        for (int item = 0; item < batchSize; item++)
        {
            TensorPrimitives.Add(biasGradient, gradient.Slice(item * OutputSize, OutputSize), biasGradient);
        }

        FloatTensor inputGradient = LayerGuard.Reuse(ref _inputGradient, input.Shape);
        Gemm.MultiplyTransposedB(gradient, Weight.Value.ReadOnlySpan, inputGradient.Span, batchSize, OutputSize, InputSize);
        return inputGradient;
    }

    private TensorShape OutputShape(TensorShape inputShape, string argumentName)
    {
        if (inputShape.Rank < 2 || inputShape.ItemSize != InputSize)
        {
            throw new ArgumentException(
                $"Layer '{Name}' expects input [batch, ...] with {InputSize} elements per item; got {inputShape}" +
                (inputShape.Rank >= 2 ? $" with {inputShape.ItemSize} per item." : "."),
                argumentName);
        }

        return new TensorShape(inputShape[0], OutputSize);
    }
}
