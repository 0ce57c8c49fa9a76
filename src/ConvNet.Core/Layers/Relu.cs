using ConvNet.Core.Kernels;
using ConvNet.Core.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace ConvNet.Core.Layers;

/// <summary>The rectified linear unit max(x, 0), element-wise; any input shape, output shaped like the input.</summary>
/// <remarks>Training-mode calls reuse their buffers while the input shape stays the same; inference-mode Forward
/// allocates its own.</remarks>
public sealed class Relu : ILayer
{
    private Tensor? _output;
    private Tensor? _inputGradient;

    /// <summary>Creates a ReLU layer.</summary>
    /// <param name="name">The layer's name, such as <c>relu1</c>.</param>
    public Relu(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc />
    public TensorShape GetOutputShape(TensorShape inputShape)
    {
        if (inputShape.Rank == 0)
        {
            throw new ArgumentException($"Layer '{Name}' needs a shape of rank 1 to 4; got the empty (default) shape.", nameof(inputShape));
        }

        return inputShape;
    }

    /// <inheritdoc />
    public Tensor Forward(Tensor input, bool training)
    {
        ArgumentNullException.ThrowIfNull(input);
        Tensor output = training ? Buffers.Reuse(ref _output, input.Shape) : new Tensor(input.Shape);
        TensorPrimitives.Max(input.ReadOnlySpan, 0f, output.Span);
        return output;
    }

    /// <inheritdoc />
    public Tensor Backward(Tensor outputGradient)
    {
        BackwardGuard.Check(Name, _output, outputGradient);
        Tensor inputGradient = Buffers.Reuse(ref _inputGradient, outputGradient.Shape);
        Activations.ReluBackward(_output.ReadOnlySpan, outputGradient.ReadOnlySpan, inputGradient.Span);
        return inputGradient;
    }
}
