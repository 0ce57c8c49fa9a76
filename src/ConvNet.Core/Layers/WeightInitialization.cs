using ConvNet.Core.Tensors;

namespace ConvNet.Core.Layers;

/// <summary>
/// Fills parameter tensors with random starting values. Every method takes an explicit <see cref="Random"/>, so the
/// same seed gives the same network (there is no global random state).
/// </summary>
public static class WeightInitialization
{
    /// <summary>Fills <paramref name="target"/> with independent draws from N(0, standardDeviation²), like the seed's
    /// <c>np.random.randn(...) * weight_init_std</c>.</summary>
    /// <param name="target">The tensor to overwrite, usually a layer's <c>Weight.Value</c>.</param>
    /// <param name="standardDeviation">The spread of the draws; 0 gives zeros.</param>
    /// <param name="random">The source of randomness; its state advances.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="standardDeviation"/> is negative or not finite.</exception>
    public static void Normal(Tensor target, float standardDeviation, Random random)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(random);
        if (!float.IsFinite(standardDeviation) || standardDeviation < 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation, "The standard deviation must be finite and 0 or more.");
        }

        Span<float> values = target.Span;
        for (int i = 0; i < values.Length; i += 2)
        {
            // Box–Muller: two uniforms give two independent standard normals; 1 − NextDouble() avoids log(0).
            double radius = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble()));
            double angle = 2.0 * Math.PI * random.NextDouble();
            values[i] = (float)(radius * Math.Cos(angle) * standardDeviation);
            if (i + 1 < values.Length)
            {
                values[i + 1] = (float)(radius * Math.Sin(angle) * standardDeviation);
            }
        }
    }
}
