using System.Numerics.Tensors;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;

namespace ConvNet.Core.Optimizers;

/// <summary>
/// SGD with momentum: <c>velocity = momentum * velocity - learningRate * gradient</c>, then
/// <c>value += velocity</c>, or with <c>nesterov</c> the look-ahead <c>value += momentum * velocity - learningRate * gradient</c>.
/// </summary>
/// <remarks>
/// The Nesterov form is the usual reformulation (the one PyTorch uses, with the velocity in value units). The seed's
/// book code adds <c>momentum² * velocity</c> of the <em>updated</em> velocity, which double-counts the current
/// gradient; this class follows the standard formula instead.
/// </remarks>
public sealed class Momentum : Optimizer
{
    private readonly float[][] _velocities;

    /// <summary>Creates momentum SGD over <paramref name="parameters"/>, with zero initial velocities.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">The step size.</param>
    /// <param name="momentum">The fraction of the velocity kept from one step to the next, in [0, 1).</param>
    /// <param name="nesterov">Whether to step with Nesterov's look-ahead.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="learningRate"/> is not positive and finite, or <paramref name="momentum"/> is not in [0, 1).
    /// </exception>
    public Momentum(IReadOnlyList<Parameter> parameters, float learningRate = 0.01f, float momentum = 0.9f, bool nesterov = false)
        : base(parameters, learningRate)
    {
        MomentumCoefficient = RequireDecayRate(momentum, nameof(momentum));
        Nesterov = nesterov;
        _velocities = CreateStateBuffers();
    }

    /// <summary>Creates momentum SGD over every parameter of <paramref name="network"/>.</summary>
    /// <param name="network">The network whose parameters to update.</param>
    /// <param name="learningRate">The step size.</param>
    /// <param name="momentum">The fraction of the velocity kept from one step to the next, in [0, 1).</param>
    /// <param name="nesterov">Whether to step with Nesterov's look-ahead.</param>
    public Momentum(INetwork network, float learningRate = 0.01f, float momentum = 0.9f, bool nesterov = false)
        : this(ParametersOf(network), learningRate, momentum, nesterov)
    {
    }

    /// <summary>The fraction of the velocity kept from one step to the next.</summary>
    public float MomentumCoefficient { get; }

    /// <summary>Whether each step uses Nesterov's look-ahead.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc />
    private protected override void Update(int index, Span<float> value, ReadOnlySpan<float> gradient)
    {
        var velocity = _velocities[index].AsSpan();
        TensorPrimitives.Multiply(velocity, MomentumCoefficient, velocity);
        TensorPrimitives.MultiplyAdd(gradient, -LearningRate, velocity, velocity);
        if (Nesterov)
        {
            TensorPrimitives.MultiplyAdd(velocity, MomentumCoefficient, value, value);
            TensorPrimitives.MultiplyAdd(gradient, -LearningRate, value, value);
        }
        else
        {
            TensorPrimitives.Add(value, velocity, value);
        }
    }
}
