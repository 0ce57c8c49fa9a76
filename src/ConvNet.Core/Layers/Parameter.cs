using ConvNet.Core.Tensors;

namespace ConvNet.Core.Layers;

/// <summary>
/// A trainable tensor and its gradient, owned by a layer. Optimizers update <see cref="Value"/> from
/// <see cref="Gradient"/>; a layer's Backward overwrites (never accumulates into) <see cref="Gradient"/>.
/// </summary>
public sealed class Parameter
{
    /// <summary>Creates a parameter over an existing value tensor, with a zero gradient of the same shape.</summary>
    /// <param name="name">The name within its layer, such as <c>weight</c> or <c>bias</c>.</param>
    /// <param name="value">The initial value; owned by the parameter from now on.</param>
    public Parameter(string name, FloatTensor value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        Name = name;
        Value = value;
        Gradient = new FloatTensor(value.Shape);
    }

    /// <summary>The name within its layer, such as <c>weight</c>.</summary>
    public string Name { get; }

    /// <summary>The current value.</summary>
    public FloatTensor Value { get; }

    /// <summary>The gradient of the loss with respect to <see cref="Value"/>, as left by the last Backward.</summary>
    public FloatTensor Gradient { get; }

    /// <summary>The shape of both value and gradient.</summary>
    public TensorShape Shape => Value.Shape;

    /// <inheritdoc />
    public override string ToString() => $"{Name}{Shape}";
}
