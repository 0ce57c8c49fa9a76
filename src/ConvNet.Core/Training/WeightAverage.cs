using ConvNet.Core.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace ConvNet.Core.Training;

/// <summary>
/// An exponential moving average of some tensors (a network's parameters and layer state), updated after every step
/// without allocating: after step t (counting from 1) average = d·average + (1 − d)·value with
/// d = min(decay, (1 + t) / (10 + t)), so the first steps do not leave the initial values a large weight.
/// </summary>
internal sealed class WeightAverage
{
    private readonly FloatTensor[] _tensors;
    private readonly float[][] _averages;
    private readonly float _decay;
    private long _steps;

    /// <summary>Starts the average at the tensors' current values.</summary>
    public WeightAverage(IEnumerable<FloatTensor> tensors, float decay)
    {
        _tensors = [.. tensors];
        _averages = [.. _tensors.Select(tensor => tensor.ReadOnlySpan.ToArray())];
        _decay = decay;
    }

    /// <summary>The decay of step <paramref name="step"/> (from 1): the configured one, lower for the first steps.</summary>
    public static float DecayAt(long step, float decay) => Math.Min(decay, (float)((1.0 + step) / (10.0 + step)));

    /// <summary>Folds the tensors' current values into the average.</summary>
    public void Update()
    {
        _steps++;
        float decay = DecayAt(_steps, _decay);
        for (int i = 0; i < _tensors.Length; i++)
        {
            // average = average·d + value·(1 − d)
            TensorPrimitives.Multiply(_averages[i], decay, _averages[i]);
            TensorPrimitives.MultiplyAdd(_tensors[i].ReadOnlySpan, 1f - decay, _averages[i], _averages[i]);
        }
    }

    /// <summary>Puts the averaged values into the tensors.</summary>
    public void CopyToTensors()
    {
        for (int i = 0; i < _tensors.Length; i++)
        {
            _averages[i].CopyTo(_tensors[i].Span);
        }
    }
}
