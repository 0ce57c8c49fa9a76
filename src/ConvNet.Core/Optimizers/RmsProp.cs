using System.Numerics.Tensors;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;

namespace ConvNet.Core.Optimizers;

/// <summary>
/// RMSProp: <c>squares = decay * squares + (1 - decay) * gradient²; value -= learningRate * gradient / (sqrt(squares) + epsilon)</c>.
/// </summary>
public sealed class RmsProp : Optimizer
{
    private readonly float[][] _squares;
    private readonly float[] _scratch;

    /// <summary>Creates RMSProp over <paramref name="parameters"/>, with zero averaged squares.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="learningRate"/> or <paramref name="epsilon"/> is not positive and finite, or
    /// <paramref name="decay"/> is not in [0, 1).
    /// </exception>
    public RmsProp(IReadOnlyList<Parameter> parameters, float learningRate = 0.01f, float decay = 0.99f, float epsilon = 1e-7f)
        : base(parameters, learningRate)
    {
        Decay = RequireDecayRate(decay, nameof(decay));
        Epsilon = RequirePositive(epsilon, nameof(epsilon));
        _squares = CreateStateBuffers();
        _scratch = CreateScratchBuffer();
    }

    /// <summary>Creates RMSProp over every parameter of <paramref name="network"/>.</summary>
    public RmsProp(INetwork network, float learningRate = 0.01f, float decay = 0.99f, float epsilon = 1e-7f)
        : this(ParametersOf(network), learningRate, decay, epsilon)
    {
    }

    /// <summary>The fraction of the squared-gradient average kept from one step to the next.</summary>
    public float Decay { get; }

    /// <summary>Added to the root of the averaged squares so the step stays finite.</summary>
    public float Epsilon { get; }

    /// <inheritdoc />
    private protected override void Update(int index, Span<float> value, ReadOnlySpan<float> gradient)
    {
        var squares = _squares[index].AsSpan();
        var gradientSquared = _scratch.AsSpan(0, value.Length);
        TensorPrimitives.Multiply(gradient, gradient, gradientSquared);
        TensorPrimitives.Multiply(squares, Decay, squares);
        TensorPrimitives.MultiplyAdd(gradientSquared, 1f - Decay, squares, squares);
        AdaptiveStep.Apply(value, gradient, squares, 1f, LearningRate, Epsilon, _scratch);
    }
}
