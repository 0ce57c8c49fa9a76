using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Training;

/// <summary>
/// Compares analytic gradients (Backward) with central differences, element by element, for any <see cref="ILayer"/>
/// or <see cref="INetwork"/>, by one criterion. Costs two forward passes per checked element, so use small inputs.
/// </summary>
/// <remarks>
/// <para><b>The criterion.</b> Every element of every checked tensor must satisfy
/// <c>|analytic − numeric| ≤ atol + rtol · |numeric|</c>, where <c>numeric</c> is the central difference
/// (f(x + ε) − f(x − ε)) / (step float actually stored), <c>rtol</c> is the relative tolerance (default
/// <see cref="DefaultRelativeTolerance"/>, 0.1 %) and <c>atol</c> is the float32 rounding noise of that difference:
/// <c>atol = </c><see cref="RoundingNoiseFactor"/><c> · u · F / ε</c> with u = 2⁻²⁴ (float32's unit roundoff) and
/// F = √Σ (h · ∂loss/∂h)² over every float the loss is computed from (a layer's output; every layer output of a
/// network, the scores included): the spread of the loss's rounding error when each float is off by an independent
/// relative u. Nothing else passes an element: no alternative difference formula, no floor relative to other
/// elements. The one exception is an element where the numeric gradient has not converged: when the central
/// difference with step ε / 2 differs from the one with ε by more than 3 · atol + rtol · |numeric|, a step crosses a
/// kink (of ReLU or max pooling) and no difference quotient measures the gradient there, so the element is counted in
/// <see cref="GradientCheckEntry.KinkCount"/> and not judged. Each element costs four forward passes.</para>
/// <para><b>The loss.</b> Summed in double. A layer is checked through Σ output ⊙ g with a random upstream gradient
/// g in [−1, 1], which reaches every batch item and output element. A network is checked through its loss layer's
/// <see cref="ILossLayer.Evaluate"/> on a training-mode forward pass (so batch normalization uses the batch's
/// statistics, as its gradients assume), with every <see cref="Dropout"/> mask held fixed for the whole check; the
/// running statistics of <see cref="IStatefulLayer"/>s, the parameter values and the masks' freezing are restored
/// afterwards.</para>
/// <para><b>Choosing ε in float32.</b> Rounding noise grows as 1/ε and the central difference's own error as ε²,
/// so ε should be about 1 % of the perturbed values: <see cref="DefaultLayerEpsilon"/> (1e-2) for layer inputs and
/// weights of order 1, <see cref="DefaultNetworkEpsilon"/> (3e-3) for networks with He-scaled weights; the seed's
/// weights (standard deviation 0.01) want 1e-4. ReLU and max pooling are not differentiable at their kinks: a step
/// that crosses one makes the numeric gradient meaningless (see the exception above), so feed layers inputs at least
/// 2ε from a kink (|x| ≥ 0.1, window values at least 2ε apart) to judge every element.</para>
/// </remarks>
public static class GradientCheck
{
    /// <summary>The default finite-difference step for <see cref="CheckLayer"/>.</summary>
    public const float DefaultLayerEpsilon = 1e-2f;

    /// <summary>The default finite-difference step for <see cref="CheckNetwork"/>.</summary>
    public const float DefaultNetworkEpsilon = 3e-3f;

    /// <summary>The default relative tolerance rtol: 0.1 % of the numeric gradient.</summary>
    public const double DefaultRelativeTolerance = 1e-3;

    /// <summary>
    /// The safety factor of the absolute tolerance over u · F / ε, the spread of the rounding noise in a central
    /// difference when each float is rounded once (sums inside a layer round more often; the worst of many elements
    /// lies a few spreads out). Correct networks measured here stay below 2.5 · u · F / ε.
    /// </summary>
    public const double RoundingNoiseFactor = 4;

    /// <summary>float32's unit roundoff, 2⁻²⁴.</summary>
    private const double UnitRoundoff = 1.0 / (1 << 24);

    /// <summary>Checks dLoss/dInput and every parameter gradient of <paramref name="layer"/> at <paramref name="input"/>.</summary>
    /// <param name="layer">The layer; its parameter values are perturbed and restored, its gradients overwritten.</param>
    /// <param name="input">A (small) input batch; not modified.</param>
    /// <param name="seed">Seed of the random upstream gradient, uniform in [−1, 1].</param>
    /// <param name="epsilon">The finite-difference step.</param>
    /// <param name="relativeTolerance">rtol of the criterion.</param>
    /// <returns>Entries <c>input</c> and then one per parameter, named as the layer names them.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The step or the tolerance is not positive and finite.</exception>
    public static GradientCheckReport CheckLayer(
        ILayer layer, FloatTensor input, int seed = 0, float epsilon = DefaultLayerEpsilon, double relativeTolerance = DefaultRelativeTolerance)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(input);
        CheckPositive(epsilon, nameof(epsilon));
        CheckPositive(relativeTolerance, nameof(relativeTolerance));
        FloatTensor point = input.Clone();
        var random = new Random(seed);
        var upstream = new FloatTensor(layer.GetOutputShape(point.Shape));
        Span<float> upstreamValues = upstream.Span;
        for (int i = 0; i < upstreamValues.Length; i++)
        {
            upstreamValues[i] = (float)((random.NextDouble() * 2.0) - 1.0);
        }

        double sensitivity = Math.Sqrt(SquaredTerms(layer.Forward(point, training: true).ReadOnlySpan, upstream.ReadOnlySpan));
        float[] inputGradient = layer.Backward(upstream).ToArray();
        float[][] parameterGradients = layer.Parameters.Select(parameter => parameter.Gradient.ToArray()).ToArray();

        double Loss() => Dot(layer.Forward(point, training: true).ReadOnlySpan, upstream.ReadOnlySpan);
        var criterion = new Criterion(RoundingNoiseFactor * UnitRoundoff * sensitivity / epsilon, relativeTolerance);
        var entries = new List<GradientCheckEntry> { Compare("input", point, inputGradient, Loss, epsilon, criterion) };
        for (int p = 0; p < layer.Parameters.Count; p++)
        {
            Parameter parameter = layer.Parameters[p];
            entries.Add(Compare(parameter.Name, parameter.Value, parameterGradients[p], Loss, epsilon, criterion));
        }

        return new GradientCheckReport(entries);
    }

    /// <summary>Checks every parameter gradient of <paramref name="network"/> for one batch, in training mode.</summary>
    /// <param name="network">The network; its parameter values and layer state are perturbed and restored, its gradients overwritten.</param>
    /// <param name="input">A (small) input batch; not modified.</param>
    /// <param name="labels">One class index per batch item.</param>
    /// <param name="epsilon">The finite-difference step.</param>
    /// <param name="relativeTolerance">rtol of the criterion.</param>
    /// <returns>One entry per parameter, named like <see cref="INetwork.Parameters"/> (<c>conv1.weight</c>, ...).</returns>
    /// <exception cref="ArgumentOutOfRangeException">The step or the tolerance is not positive and finite.</exception>
    public static GradientCheckReport CheckNetwork(
        INetwork network, FloatTensor input, ReadOnlySpan<int> labels, float epsilon = DefaultNetworkEpsilon, double relativeTolerance = DefaultRelativeTolerance)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(input);
        CheckPositive(epsilon, nameof(epsilon));
        CheckPositive(relativeTolerance, nameof(relativeTolerance));
        int[] labelCopy = labels.ToArray();
        var state = new TensorSnapshot(network.Layers.OfType<IStatefulLayer>().SelectMany(layer => layer.State).Select(tensor => tensor.Value));
        state.Capture();
        Dropout[] dropouts = network.Layers.OfType<Dropout>().ToArray();
        bool[] frozen = dropouts.Select(dropout => dropout.FreezeMask).ToArray();
        Array.ForEach(dropouts, dropout => dropout.FreezeMask = true);
        try
        {
            double sensitivity = ComputeGradients(network, input, labelCopy);
            float[][] gradients = network.Parameters.Select(named => named.Parameter.Gradient.ToArray()).ToArray();

            double Loss() => network.LossLayer.Evaluate(Forward(network, input), labelCopy);
            var criterion = new Criterion(RoundingNoiseFactor * UnitRoundoff * sensitivity / epsilon, relativeTolerance);
            var entries = new List<GradientCheckEntry>();
            for (int p = 0; p < network.Parameters.Count; p++)
            {
                NamedParameter named = network.Parameters[p];
                entries.Add(Compare(named.Name, named.Parameter.Value, gradients[p], Loss, epsilon, criterion));
            }

            return new GradientCheckReport(entries);
        }
        finally
        {
            for (int i = 0; i < dropouts.Length; i++)
            {
                dropouts[i].FreezeMask = frozen[i];
            }

            state.Restore();
        }
    }

    /// <summary>
    /// A training-mode forward and backward pass like <see cref="INetwork.ComputeGradients"/>, layer by layer so that it
    /// can also return F = √Σ (h · ∂loss/∂h)² over every layer output h (the scores included).
    /// </summary>
    private static double ComputeGradients(INetwork network, FloatTensor input, int[] labels)
    {
        var outputs = new FloatTensor[network.Layers.Count];
        FloatTensor activation = input;
        for (int i = 0; i < outputs.Length; i++)
        {
            activation = outputs[i] = network.Layers[i].Forward(activation, training: true);
        }

        network.LossLayer.Forward(activation, labels);
        FloatTensor gradient = network.LossLayer.Backward();
        double variance = 0;
        for (int i = outputs.Length - 1; i >= 0; i--)
        {
            variance += SquaredTerms(outputs[i].ReadOnlySpan, gradient.ReadOnlySpan);
            gradient = network.Layers[i].Backward(gradient);
        }

        return Math.Sqrt(variance);
    }

    private static FloatTensor Forward(INetwork network, FloatTensor input)
    {
        FloatTensor activation = input;
        foreach (ILayer layer in network.Layers)
        {
            activation = layer.Forward(activation, training: true);
        }

        return activation;
    }

    private static GradientCheckEntry Compare(string name, FloatTensor point, float[] analytic, Func<double> loss, float epsilon, Criterion criterion)
    {
        double largest = analytic.Length == 0 ? 0 : analytic.Max(value => Math.Abs((double)value));
        var worst = (Excess: -1.0, Index: 0, Numeric: 0.0);
        int kinks = 0;
        for (int i = 0; i < analytic.Length; i++)
        {
            var differences = new Differences(CentralDifference(point, i, loss, epsilon), CentralDifference(point, i, loss, epsilon / 2));
            if (criterion.CrossesKink(differences))
            {
                kinks++;
                continue;
            }

            double excess = Math.Abs(analytic[i] - differences.Central) / criterion.Allowed(differences.Central);
            if (excess > worst.Excess)
            {
                worst = (excess, i, differences.Central);
            }
        }

        return new GradientCheckEntry(
            name, point.Shape, Math.Max(worst.Excess, 0), worst.Index, analytic.Length == 0 ? 0 : analytic[worst.Index], worst.Numeric,
            criterion.AbsoluteTolerance, criterion.RelativeTolerance, largest, kinks);
    }

    /// <summary>(f(x + ε) − f(x − ε)) divided by the step float actually stored, not by 2ε; x is restored.</summary>
    private static double CentralDifference(FloatTensor point, int index, Func<double> loss, float epsilon)
    {
        float original = point.Span[index];
        float plus = original + epsilon;
        float minus = original - epsilon;
        point.Span[index] = plus;
        double lossPlus = loss();
        point.Span[index] = minus;
        double lossMinus = loss();
        point.Span[index] = original;
        return (lossPlus - lossMinus) / ((double)plus - minus);
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

    /// <summary>Σ (values ⊙ weights)²: the variance, in units of u², of a sum whose terms each carry an independent relative rounding error.</summary>
    private static double SquaredTerms(ReadOnlySpan<float> values, ReadOnlySpan<float> weights)
    {
        double sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double term = (double)values[i] * weights[i];
            sum += term * term;
        }

        return sum;
    }

    private static void CheckPositive(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"The {name} must be positive and finite.");
        }
    }

    /// <summary>The central differences with the step ε and with ε / 2.</summary>
    private readonly record struct Differences(double Central, double HalfStep);

    /// <summary>|analytic − numeric| ≤ atol + rtol · |numeric|, and where the numeric gradient cannot be trusted.</summary>
    private readonly record struct Criterion(double AbsoluteTolerance, double RelativeTolerance)
    {
        public double Allowed(double numeric) => AbsoluteTolerance + (RelativeTolerance * Math.Abs(numeric));

        /// <summary>
        /// Whether halving the step moves the central difference by more than the criterion allows (the half step
        /// carries twice the noise): on a smooth loss the two agree to O(ε²), so they disagree only where a step
        /// crosses a kink.
        /// </summary>
        public bool CrossesKink(Differences differences) =>
            Math.Abs(differences.Central - differences.HalfStep) > (3 * AbsoluteTolerance) + (RelativeTolerance * Math.Abs(differences.Central));
    }
}
