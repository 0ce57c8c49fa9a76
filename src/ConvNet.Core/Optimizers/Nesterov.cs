using System.Numerics.Tensors;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;

namespace ConvNet.Core.Optimizers;

/// <summary>
/// Nesterov accelerated gradient in its usual reformulation (the one PyTorch uses, with the velocity in value units):
/// <c>velocity = momentum * velocity - learningRate * gradient; value += momentum * velocity - learningRate * gradient</c>.
/// </summary>
/// <remarks>
/// The seed's book code adds <c>momentum² * velocity</c> of the <em>updated</em> velocity, which double-counts the
/// current gradient; this class follows the standard formula instead.
/// </remarks>
public sealed class Nesterov : Optimizer
{
    private readonly float[][] _velocities;

    /// <summary>Creates Nesterov momentum over <paramref name="parameters"/>, with zero initial velocities.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="learningRate"/> is not positive and finite, or <paramref name="momentum"/> is not in [0, 1).
    /// </exception>
    public Nesterov(IReadOnlyList<Parameter> parameters, float learningRate = 0.01f, float momentum = 0.9f)
        : base(parameters, learningRate)
    {
        MomentumCoefficient = RequireDecayRate(momentum, nameof(momentum));
        _velocities = CreateStateBuffers();
    }

    /// <summary>Creates Nesterov momentum over every parameter of <paramref name="network"/>.</summary>
    public Nesterov(INetwork network, float learningRate = 0.01f, float momentum = 0.9f)
        : this(ParametersOf(network), learningRate, momentum)
    {
    }

    /// <summary>The fraction of the velocity kept from one step to the next.</summary>
    public float MomentumCoefficient { get; }

    /// <inheritdoc />
    private protected override void Update(int index, Span<float> value, ReadOnlySpan<float> gradient)
    {
        var velocity = _velocities[index].AsSpan();
        TensorPrimitives.Multiply(velocity, MomentumCoefficient, velocity);
        TensorPrimitives.MultiplyAdd(gradient, -LearningRate, velocity, velocity);
        TensorPrimitives.MultiplyAdd(velocity, MomentumCoefficient, value, value);
        TensorPrimitives.MultiplyAdd(gradient, -LearningRate, value, value);
    }
}
