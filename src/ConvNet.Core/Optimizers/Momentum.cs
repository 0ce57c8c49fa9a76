using System.Numerics.Tensors;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;

namespace ConvNet.Core.Optimizers;

/// <summary>
/// SGD with momentum: <c>velocity = momentum * velocity - learningRate * gradient; value += velocity</c>.
/// </summary>
public sealed class Momentum : Optimizer
{
    private readonly float[][] _velocities;

    /// <summary>Creates momentum SGD over <paramref name="parameters"/>, with zero initial velocities.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="learningRate"/> is not positive and finite, or <paramref name="momentum"/> is not in [0, 1).
    /// </exception>
    public Momentum(IReadOnlyList<Parameter> parameters, float learningRate = 0.01f, float momentum = 0.9f)
        : base(parameters, learningRate)
    {
        MomentumCoefficient = RequireDecayRate(momentum, nameof(momentum));
        _velocities = CreateStateBuffers();
    }

    /// <summary>Creates momentum SGD over every parameter of <paramref name="network"/>.</summary>
    public Momentum(INetwork network, float learningRate = 0.01f, float momentum = 0.9f)
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
        TensorPrimitives.Add(value, velocity, value);
    }
}
