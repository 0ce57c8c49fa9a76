using System.Numerics.Tensors;
using ConvNet.Core.Layers;

namespace ConvNet.Core.Optimizers;

/// <summary>
/// Changes to the gradients between Backward and <see cref="IOptimizer.Step"/>: global-norm clipping and L2 weight
/// decay. The trainer applies them in that order (clip the loss gradient, then add the decay), as PyTorch does.
/// </summary>
/// <remarks>Indexed loops rather than <c>foreach</c> over the list interface, so a training step allocates no enumerator.</remarks>
public static class GradientOperations
{
    /// <summary>The Euclidean norm of all gradients together.</summary>
    public static double GlobalNorm(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        double sumOfSquares = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            sumOfSquares += TensorPrimitives.SumOfSquares(parameters[i].Gradient.ReadOnlySpan);
        }

        return Math.Sqrt(sumOfSquares);
    }

    /// <summary>
    /// Scales all gradients by one factor so their global norm is at most <paramref name="maxNorm"/>; leaves them
    /// unchanged when it already is.
    /// </summary>
    /// <returns>The global norm before clipping.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not positive and finite.</exception>
    public static double ClipByGlobalNorm(IReadOnlyList<Parameter> parameters, float maxNorm)
    {
        if (!(maxNorm > 0f) || !float.IsFinite(maxNorm))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, $"The clipping norm must be positive and finite; got {maxNorm}.");
        }

        double norm = GlobalNorm(parameters);
        if (norm > maxNorm)
        {
            float scale = (float)(maxNorm / norm);
            for (int i = 0; i < parameters.Count; i++)
            {
                TensorPrimitives.Multiply(parameters[i].Gradient.ReadOnlySpan, scale, parameters[i].Gradient.Span);
            }
        }

        return norm;
    }

    /// <summary>
    /// Adds <c>coefficient * value</c> to the gradient of every weight (parameters of rank 2 or more), the gradient
    /// of the penalty <c>coefficient / 2 * |weights|²</c>. Biases and other rank-1 parameters (such as batch
    /// normalization's scale and shift) are left alone, the usual practice, since decaying them only hurts the fit.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="coefficient"/> is negative or not finite.</exception>
    public static void AddWeightDecay(IReadOnlyList<Parameter> parameters, float coefficient)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(coefficient >= 0f) || !float.IsFinite(coefficient))
        {
            throw new ArgumentOutOfRangeException(nameof(coefficient), coefficient, $"Weight decay must be 0 or more and finite; got {coefficient}.");
        }

        for (int i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i];
            if (parameter.Shape.Rank >= 2)
            {
                TensorPrimitives.MultiplyAdd(parameter.Value.ReadOnlySpan, coefficient, parameter.Gradient.ReadOnlySpan, parameter.Gradient.Span);
            }
        }
    }
}
