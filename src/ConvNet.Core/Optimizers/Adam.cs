using ConvNet.Core.Kernels;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;

namespace ConvNet.Core.Optimizers;

/// <summary>
/// Adam (Kingma and Ba) with bias correction by division:
/// <c>m = beta1 * m + (1 - beta1) * gradient; v = beta2 * v + (1 - beta2) * gradient²;
/// value -= learningRate * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon)</c>,
/// where <c>t</c> is this optimizer's <see cref="Optimizer.StepCount"/>.
/// </summary>
public sealed class Adam : Optimizer
{
    private readonly float[][] _firstMoments;
    private readonly float[][] _secondMoments;

    /// <summary>Creates Adam over <paramref name="parameters"/>, with zero moments.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="learningRate"/> or <paramref name="epsilon"/> is not positive and finite, or a beta is not in [0, 1).
    /// </exception>
    public Adam(
        IReadOnlyList<Parameter> parameters,
        float learningRate = 0.001f,
        float beta1 = 0.9f,
        float beta2 = 0.999f,
        float epsilon = 1e-8f)
        : base(parameters, learningRate)
    {
        Beta1 = RequireDecayRate(beta1, nameof(beta1));
        Beta2 = RequireDecayRate(beta2, nameof(beta2));
        Epsilon = RequirePositive(epsilon, nameof(epsilon));
        _firstMoments = CreateStateBuffers();
        _secondMoments = CreateStateBuffers();
    }

    /// <summary>Creates Adam over every parameter of <paramref name="network"/>.</summary>
    public Adam(INetwork network, float learningRate = 0.001f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
        : this(ParametersOf(network), learningRate, beta1, beta2, epsilon)
    {
    }

    /// <summary>The decay of the gradient average (first moment).</summary>
    public float Beta1 { get; }

    /// <summary>The decay of the squared-gradient average (second moment).</summary>
    public float Beta2 { get; }

    /// <summary>Added to the root of the corrected second moment so the step stays finite.</summary>
    public float Epsilon { get; }

    /// <inheritdoc />
    private protected override void Update(int index, Span<float> value, ReadOnlySpan<float> gradient)
    {
        // Both corrections start far below 1 and approach it; computing them in double keeps beta^t exact enough.
        float firstCorrection = (float)(1.0 - Math.Pow(Beta1, StepCount));
        float secondCorrection = (float)(1.0 - Math.Pow(Beta2, StepCount));
        AdamKernel.Update(
            value, gradient, _firstMoments[index], _secondMoments[index], Beta1, Beta2, secondCorrection, LearningRate / firstCorrection, Epsilon);
    }
}
