using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Layers;

/// <summary>Random tensors and numerical gradients for layer tests.</summary>
internal static class LayerTestData
{
    public static Tensor Random(TensorShape shape, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        var tensor = new Tensor(shape);
        Span<float> span = tensor.Span;
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = ((random.NextSingle() * 2f) - 1f) * scale;
        }

        return tensor;
    }

    /// <summary>
    /// The worst relative error between Backward's input gradient (and parameter gradients) and central differences of
    /// L = Σ output · upstream, with sums in double.
    /// </summary>
    public static double WorstRelativeError(ILayer layer, Tensor input, Tensor upstream, float step = 1e-2f)
    {
        layer.Forward(input, training: true);
        Tensor analyticInput = layer.Backward(upstream).Clone();
        var analyticParameters = layer.Parameters.Select(p => p.Gradient.Clone()).ToList();

        double worst = Worst(input, analyticInput, layer, input, upstream, step);
        for (int p = 0; p < layer.Parameters.Count; p++)
        {
            worst = Math.Max(worst, Worst(layer.Parameters[p].Value, analyticParameters[p], layer, input, upstream, step));
        }

        return worst;
    }

    private static double Worst(Tensor perturbed, Tensor analytic, ILayer layer, Tensor input, Tensor upstream, float step)
    {
        double worst = 0;
        Span<float> values = perturbed.Span;
        for (int i = 0; i < values.Length; i++)
        {
            float original = values[i];
            values[i] = original + step;
            double plus = Objective(layer, input, upstream);
            values[i] = original - step;
            double minus = Objective(layer, input, upstream);
            values[i] = original;
            double numeric = (plus - minus) / (2.0 * step);
            double exact = analytic.ReadOnlySpan[i];
            double error = Math.Abs(numeric - exact) / Math.Max(1e-3, Math.Abs(numeric) + Math.Abs(exact));
            worst = Math.Max(worst, error);
        }

        return worst;
    }

    private static double Objective(ILayer layer, Tensor input, Tensor upstream)
    {
        ReadOnlySpan<float> output = layer.Forward(input, training: true).ReadOnlySpan;
        ReadOnlySpan<float> weights = upstream.ReadOnlySpan;
        double sum = 0;
        for (int i = 0; i < output.Length; i++)
        {
            sum += (double)output[i] * weights[i];
        }

        return sum;
    }
}
