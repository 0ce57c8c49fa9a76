using ConvNet.Core.Tensors;

namespace ConvNet.Core.Layers;

/// <summary>
/// Reshapes a batch [N, d1, …] into rows [N, d1 · …], for example to feed convolution features to a dense layer.
/// </summary>
/// <remarks>
/// Both directions are views: Forward returns the input's storage under the new shape and Backward returns the
/// output gradient's storage under the input's shape, so nothing is copied and nothing is allocated but the view.
/// Neither is written to, in keeping with the rule that layers never mutate their inputs.
/// </remarks>
public sealed class Flatten : ILayer
{
    private TensorShape? _lastInputShape;
    private TensorShape? _lastOutputShape;

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
    public Tensor Forward(Tensor input, bool training)
    {
        ArgumentNullException.ThrowIfNull(input);
        TensorShape outputShape = GetOutputShape(input.Shape);
        if (training)
        {
            _lastInputShape = input.Shape;
            _lastOutputShape = outputShape;
        }

        return input.Reshape(outputShape);
    }

    /// <inheritdoc />
    public Tensor Backward(Tensor outputGradient)
    {
        LayerGuard.CheckOutputGradient(Name, _lastOutputShape, outputGradient);
        return outputGradient.Reshape(_lastInputShape!.Value);
    }
}
