using System.Numerics.Tensors;

namespace ConvNet.Core.Optimizers;

/// <summary>The update shared by AdaGrad, RMSProp and Adam: a step scaled per element by a root mean square.</summary>
internal static class AdaptiveStep
{
    /// <summary>
    /// <c>value -= learningRate * direction / (sqrt(squares / squaresDivisor) + epsilon)</c>, element-wise.
    /// </summary>
    /// <param name="value">The parameter values, updated in place.</param>
    /// <param name="direction">The (possibly averaged and bias-corrected) gradient.</param>
    /// <param name="squares">The accumulated squared gradients.</param>
    /// <param name="squaresDivisor">Adam's bias correction of <paramref name="squares"/>; 1 for none.</param>
    /// <param name="learningRate">The step size (Adam folds its first-moment correction into it).</param>
    /// <param name="epsilon">Keeps the division finite where <paramref name="squares"/> is zero.</param>
    /// <param name="scratch">A buffer at least as long as <paramref name="value"/>.</param>
    public static void Apply(
        Span<float> value,
        ReadOnlySpan<float> direction,
        ReadOnlySpan<float> squares,
        float squaresDivisor,
        float learningRate,
        float epsilon,
        Span<float> scratch)
    {
        var denominator = scratch[..value.Length];
        TensorPrimitives.Divide(squares, squaresDivisor, denominator);
        TensorPrimitives.Sqrt(denominator, denominator);
        TensorPrimitives.Add(denominator, epsilon, denominator);
        TensorPrimitives.Divide(direction, denominator, denominator);
        TensorPrimitives.MultiplyAdd(denominator, -learningRate, value, value);
    }
}
