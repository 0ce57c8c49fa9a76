using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Training;

/// <summary>
/// Compares analytic gradients (Backward) with central differences (f(x + ε) − f(x − ε)) / 2ε, element by element,
/// for any <see cref="ILayer"/> or <see cref="INetwork"/>. Costs two forward passes per checked element, so use small inputs.
/// </summary>
/// <remarks>
/// <para>Losses are summed in double. A layer is checked through the scalar loss Σ output ⊙ g with a random upstream
/// gradient g, which reaches every batch item and output element; a network through its loss layer's
/// <see cref="ILossLayer.Evaluate"/> on <see cref="INetwork.Predict"/> (double precision: the float loss of
/// <see cref="INetwork.Loss"/> would drown small gradients in rounding). Difference quotients divide by the step
/// float actually stored.</para>
/// <para>Float32 choices. Rounding of float outputs (≈ 6e-8 relative) puts noise of about 1e-7 × |output| / ε into every
/// difference, so ε must not be tiny; kinks of ReLU and max pooling put a wrong central difference wherever a step of ε
/// crosses one, so ε must be small next to the activations. Layers: ε = <see cref="DefaultLayerEpsilon"/> (1e-2) on
/// inputs of order 1 (keep |x| ≥ 0.1 for ReLU and window values ≥ 2ε apart for max pooling). Networks:
/// ε = <see cref="DefaultNetworkEpsilon"/> (1e-4), 1 % of the seed's weight scale 0.01, whose hidden activations are
/// only ~1e-3. Because one step in a few hundred still crosses a kink somewhere in a network, each element is judged by
/// the best of the central and the two one-sided differences: on the side without a kink the one-sided difference of
/// a piecewise-linear layer is exact, while a wrong analytic gradient disagrees with all three. Relative errors use the
/// floor <see cref="RelativeFloor"/> × the tensor's largest |gradient|, so near-zero entries are not judged by noise.
/// With these settings correct layers score below 1e-3 and the seed's network below 1e-2 (<see cref="DefaultTolerance"/>).</para>
/// </remarks>
public static class GradientCheck
{
    /// <summary>The default finite-difference step for <see cref="CheckLayer"/>.</summary>
    public const float DefaultLayerEpsilon = 1e-2f;

    /// <summary>The default finite-difference step for <see cref="CheckNetwork"/>.</summary>
    public const float DefaultNetworkEpsilon = 1e-4f;

    /// <summary>The default largest acceptable relative error, for <see cref="GradientCheckReport.Passes"/>.</summary>
    public const double DefaultTolerance = 1e-2;

    /// <summary>Relative errors are measured against at least this fraction of the tensor's largest |analytic gradient|.</summary>
    public const double RelativeFloor = 1e-2;

    /// <summary>Relative errors are measured against at least this absolute magnitude.</summary>
    public const double AbsoluteFloor = 1e-8;

    /// <summary>Checks dLoss/dInput and every parameter gradient of <paramref name="layer"/> at <paramref name="input"/>.</summary>
    /// <param name="layer">The layer; its parameter values are perturbed and restored, its gradients overwritten.</param>
    /// <param name="input">A (small) input batch; not modified.</param>
    /// <param name="seed">Seed of the random upstream gradient, uniform in [−1, 1].</param>
    /// <param name="epsilon">The finite-difference step.</param>
    /// <returns>Entries <c>input</c> and then one per parameter, named as the layer names them.</returns>
    public static GradientCheckReport CheckLayer(ILayer layer, FloatTensor input, int seed = 0, float epsilon = DefaultLayerEpsilon)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(input);
        CheckEpsilon(epsilon);
        FloatTensor point = input.Clone();
        var random = new Random(seed);
        var upstream = new FloatTensor(layer.GetOutputShape(point.Shape));
        Span<float> upstreamValues = upstream.Span;
        for (int i = 0; i < upstreamValues.Length; i++)
        {
            upstreamValues[i] = (float)((random.NextDouble() * 2.0) - 1.0);
        }

        layer.Forward(point, training: true);
        float[] inputGradient = layer.Backward(upstream).ToArray();
        float[][] parameterGradients = layer.Parameters.Select(parameter => parameter.Gradient.ToArray()).ToArray();

        double Loss() => Dot(layer.Forward(point, training: true).ReadOnlySpan, upstream.ReadOnlySpan);
        var entries = new List<GradientCheckEntry> { Compare("input", point, inputGradient, Loss, epsilon) };
        for (int p = 0; p < layer.Parameters.Count; p++)
        {
            Parameter parameter = layer.Parameters[p];
            entries.Add(Compare(parameter.Name, parameter.Value, parameterGradients[p], Loss, epsilon));
        }

        return new GradientCheckReport(entries);
    }

    /// <summary>Checks every parameter gradient of <paramref name="network"/> (as <see cref="INetwork.ComputeGradients"/>
    /// fills them) for one batch.</summary>
    /// <param name="network">The network; its parameter values are perturbed and restored, its gradients overwritten.</param>
    /// <param name="input">A (small) input batch; not modified.</param>
    /// <param name="labels">One class index per batch item.</param>
    /// <param name="epsilon">The finite-difference step.</param>
    /// <returns>One entry per parameter, named like <see cref="INetwork.Parameters"/> (<c>conv1.weight</c>, ...).</returns>
    public static GradientCheckReport CheckNetwork(INetwork network, FloatTensor input, ReadOnlySpan<int> labels, float epsilon = DefaultNetworkEpsilon)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(input);
        CheckEpsilon(epsilon);
        int[] labelCopy = labels.ToArray();
        network.ComputeGradients(input, labelCopy);
        float[][] gradients = network.Parameters.Select(named => named.Parameter.Gradient.ToArray()).ToArray();

        double Loss() => network.LossLayer.Evaluate(network.Predict(input), labelCopy);
        var entries = new List<GradientCheckEntry>();
        for (int p = 0; p < network.Parameters.Count; p++)
        {
            NamedParameter named = network.Parameters[p];
            entries.Add(Compare(named.Name, named.Parameter.Value, gradients[p], Loss, epsilon));
        }

        return new GradientCheckReport(entries);
    }

    private static GradientCheckEntry Compare(string name, FloatTensor point, float[] analytic, Func<double> loss, float epsilon)
    {
        double largest = analytic.Length == 0 ? 0 : analytic.Max(value => Math.Abs((double)value));
        double floor = Math.Max(RelativeFloor * largest, AbsoluteFloor);
        double lossAtPoint = loss();
        var worst = (Error: -1.0, Index: 0, Analytic: 0.0, Numeric: 0.0);
        for (int i = 0; i < analytic.Length; i++)
        {
            (double error, double numeric) = BestDifference(point, i, analytic[i], lossAtPoint, loss, epsilon, floor);
            if (error > worst.Error)
            {
                worst = (error, i, analytic[i], numeric);
            }
        }

        return new GradientCheckEntry(name, point.Shape, Math.Max(worst.Error, 0), worst.Index, worst.Analytic, worst.Numeric, largest);
    }

    /// <summary>The relative error of the central difference, or of a one-sided difference if that agrees better:
    /// when one step crosses a kink of a piecewise-linear layer the central difference is wrong, while the
    /// difference on the other side stays exact up to ε times the curvature.</summary>
    private static (double Error, double Numeric) BestDifference(
        FloatTensor point, int index, double analytic, double lossAtPoint, Func<double> loss, float epsilon, double floor)
    {
        float original = point.Span[index];
        float plus = original + epsilon;
        float minus = original - epsilon;
        point.Span[index] = plus;
        double lossPlus = loss();
        point.Span[index] = minus;
        double lossMinus = loss();
        point.Span[index] = original;

        // Divide by the steps float actually stored, not by ε.
        ReadOnlySpan<double> candidates =
        [
            (lossPlus - lossMinus) / ((double)plus - minus),
            (lossPlus - lossAtPoint) / ((double)plus - original),
            (lossAtPoint - lossMinus) / ((double)original - minus),
        ];
        var best = (Error: double.PositiveInfinity, Numeric: candidates[0]);
        foreach (double numeric in candidates)
        {
            double error = Math.Abs(analytic - numeric) / Math.Max(Math.Max(Math.Abs(analytic), Math.Abs(numeric)), floor);
            if (error < best.Error)
            {
                best = (error, numeric);
            }
        }

        return best;
    }

    private static double Dot(ReadOnlySpan<float> values, ReadOnlySpan<float> weights)
    {
        double sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            sum += (double)values[i] * weights[i];
        }

        return sum;
    }

    private static void CheckEpsilon(float epsilon)
    {
        if (!float.IsFinite(epsilon) || epsilon <= 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "The finite-difference step must be positive and finite.");
        }
    }
}
