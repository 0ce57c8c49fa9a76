using System.Numerics.Tensors;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;

namespace ConvNet.Core.Optimizers;

/// <summary>
/// AdaGrad: <c>squares += gradient²; value -= learningRate * gradient / (sqrt(squares) + epsilon)</c>.
/// </summary>
public sealed class AdaGrad : Optimizer
{
    private readonly float[][] _squares;
    private readonly float[] _scratch;

    /// <summary>Creates AdaGrad over <paramref name="parameters"/>, with zero accumulated squares.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> or <paramref name="epsilon"/> is not positive and finite.</exception>
    public AdaGrad(IReadOnlyList<Parameter> parameters, float learningRate = 0.01f, float epsilon = 1e-7f)
        : base(parameters, learningRate)
    {
        Epsilon = RequirePositive(epsilon, nameof(epsilon));
        _squares = CreateStateBuffers();
        _scratch = CreateScratchBuffer();
    }

    /// <summary>Creates AdaGrad over every parameter of <paramref name="network"/>.</summary>
    public AdaGrad(INetwork network, float learningRate = 0.01f, float epsilon = 1e-7f)
        : this(ParametersOf(network), learningRate, epsilon)
    {
    }

    /// <summary>Added to the root of the accumulated squares so the step stays finite.</summary>
    public float Epsilon { get; }

    /// <inheritdoc />
    private protected override void Update(int index, Span<float> value, ReadOnlySpan<float> gradient)
    {
        var squares = _squares[index].AsSpan();
        TensorPrimitives.MultiplyAdd(gradient, gradient, squares, squares);
        AdaptiveStep.Apply(value, gradient, squares, 1f, LearningRate, Epsilon, _scratch);
    }
}
