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
    public static void Normal(FloatTensor target, float standardDeviation, Random random)
    {
        CheckArguments(target, standardDeviation, random, nameof(standardDeviation));

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

    /// <summary>The standard deviation the seed's SimpleConvNet draws its weights with (<c>weight_init_std</c>).</summary>
    public const float SeedStandardDeviation = 0.01f;

    /// <summary>
    /// The fan-in and fan-out of a weight tensor in this library's layouts: a convolution's [F, C, kh, kw] gives
    /// (C·kh·kw, F·kh·kw); an affine layer's [in, out] gives (in, out).
    /// </summary>
    /// <exception cref="ArgumentException">The shape is neither rank 2 nor rank 4.</exception>
    public static (int FanIn, int FanOut) Fans(TensorShape weightShape) => weightShape.Rank switch
    {
        2 => (weightShape[0], weightShape[1]),
        4 => (weightShape[1] * weightShape[2] * weightShape[3], weightShape[0] * weightShape[2] * weightShape[3]),
        _ => throw new ArgumentException(
            $"Fans are defined for affine weights [in, out] and convolution weights [F, C, kh, kw]; got {weightShape}.", nameof(weightShape)),
    };

    /// <summary>Fills <paramref name="target"/> with independent draws from U(−limit, limit).</summary>
    /// <param name="target">The tensor to overwrite.</param>
    /// <param name="limit">The half-width of the interval; 0 gives zeros.</param>
    /// <param name="random">The source of randomness; its state advances.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is negative or not finite.</exception>
    public static void Uniform(FloatTensor target, float limit, Random random)
    {
        CheckArguments(target, limit, random, nameof(limit));

        Span<float> values = target.Span;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(((random.NextDouble() * 2.0) - 1.0) * limit);
        }
    }

    /// <summary>Fills a weight tensor by a fan-based <paramref name="scheme"/> (He, Xavier/Glorot or LeCun).</summary>
    /// <param name="weight">An affine [in, out] or convolution [F, C, kh, kw] weight to overwrite.</param>
    /// <param name="scheme">Which spread to draw with.</param>
    /// <param name="random">The source of randomness; its state advances.</param>
    /// <exception cref="ArgumentException">The weight is neither rank 2 nor rank 4.</exception>
    public static void Initialize(FloatTensor weight, WeightInitScheme scheme, Random random)
    {
        ArgumentNullException.ThrowIfNull(weight);
        var (fanIn, fanOut) = Fans(weight.Shape);
        switch (scheme)
        {
            case WeightInitScheme.HeNormal:
                Normal(weight, MathF.Sqrt(2f / fanIn), random);
                break;
            case WeightInitScheme.HeUniform:
                Uniform(weight, MathF.Sqrt(6f / fanIn), random);
                break;
            case WeightInitScheme.XavierNormal:
                Normal(weight, MathF.Sqrt(2f / (fanIn + fanOut)), random);
                break;
            case WeightInitScheme.XavierUniform:
                Uniform(weight, MathF.Sqrt(6f / (fanIn + fanOut)), random);
                break;
            case WeightInitScheme.LeCunNormal:
                Normal(weight, MathF.Sqrt(1f / fanIn), random);
                break;
            case WeightInitScheme.LeCunUniform:
                Uniform(weight, MathF.Sqrt(3f / fanIn), random);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "Unknown weight initialization scheme.");
        }
    }

    private static void CheckArguments(FloatTensor target, float spread, Random random, string spreadName)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(random);
        if (!float.IsFinite(spread) || spread < 0f)
        {
            throw new ArgumentOutOfRangeException(spreadName, spread, $"The {spreadName} must be finite and 0 or more.");
        }
    }
}
