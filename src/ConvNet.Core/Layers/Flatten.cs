using ConvNet.Core.Tensors;

namespace ConvNet.Core.Layers;

/// <summary>
/// Reshapes a batch [N, d1, …] into rows [N, d1 · …], for example to feed convolution features to a dense layer.
/// </summary>
/// <remarks>
/// Both directions are views: Forward returns the input's storage under the new shape and Backward returns the
/// output gradient's storage under the input's shape, so nothing is copied. Neither is written to, in keeping with
/// the rule that layers never mutate their inputs. In training the views are kept and handed out again while the
/// neighbouring layers pass the same (reused) tensors, so a steady-state training step allocates nothing here.
/// </remarks>
public sealed class Flatten : ILayer
{
    private FloatTensor? _lastInput;
    private FloatTensor? _lastOutput;
    private FloatTensor? _lastOutputGradient;
    private FloatTensor? _lastInputGradient;

    /// <summary>Creates a flatten layer.</summary>
    /// <param name="name">The layer's name within its network.</param>
    public Flatten(string name)
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
        if (inputShape.Rank < 2)
        {
            throw new ArgumentException(
                $"Layer '{Name}' flattens a batch [N, …] of rank 2 to 4; got {inputShape}.", nameof(inputShape));
        }

        return new TensorShape(inputShape.BatchSize, inputShape.ItemSize);
    }

    /// <inheritdoc />
    public FloatTensor Forward(FloatTensor input, bool training)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!training)
        {
            return input.Reshape(GetOutputShape(input.Shape));
        }

        if (!ReferenceEquals(input, _lastInput))
        {
            _lastOutput = input.Reshape(GetOutputShape(input.Shape));
            _lastInput = input;
        }

        return _lastOutput!;
    }

    /// <inheritdoc />
    public FloatTensor Backward(FloatTensor outputGradient)
    {
        LayerGuard.CheckOutputGradient(Name, _lastOutput?.Shape, outputGradient);
        if (!ReferenceEquals(outputGradient, _lastOutputGradient))
        {
            _lastInputGradient = outputGradient.Reshape(_lastInput!.Shape);
            _lastOutputGradient = outputGradient;
        }

        return _lastInputGradient!;
    }
}
