using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.TestNetworks;

/// <summary>
/// Wraps a <see cref="LinearSoftmaxNetwork"/> and records what the trainer feeds it: the first feature of every
/// training item (tests store each item's id there) and the size of every evaluation pass. Optionally overrides
/// the gradients or scripts the inference-mode loss, to test the trainer's own arithmetic.
/// </summary>
internal sealed class RecordingNetwork(LinearSoftmaxNetwork inner) : INetwork
{
    public LinearSoftmaxNetwork Inner { get; } = inner;

    /// <summary>The first feature of each training item, one list per ComputeGradients call.</summary>
    public List<float[]> TrainingBatches { get; } = [];

    /// <summary>The item count of each Accuracy call.</summary>
    public List<int> AccuracyCalls { get; } = [];

    /// <summary>The first feature of each item passed to Loss.</summary>
    public List<float> LossItems { get; } = [];

    /// <summary>When set, every gradient is overwritten with this value after the real backward pass.</summary>
    public float? FixedGradient { get; init; }

    /// <summary>When set, Loss returns these values in turn instead of the real loss.</summary>
    public Queue<float>? ScriptedLosses { get; init; }

    public TensorShape InputShape => Inner.InputShape;

    public int ClassCount => Inner.ClassCount;

    public IReadOnlyList<ILayer> Layers => Inner.Layers;

    public IReadOnlyList<NamedParameter> Parameters => Inner.Parameters;

    public ILossLayer LossLayer => Inner.LossLayer;

    public FloatTensor Predict(FloatTensor input) => Inner.Predict(input);

    public float Loss(FloatTensor input, ReadOnlySpan<int> labels)
    {
        for (int n = 0; n < input.Shape[0]; n++)
        {
            LossItems.Add(input[n, 0]);
        }

        return ScriptedLosses is { } script ? script.Dequeue() : Inner.Loss(input, labels);
    }

    public float ComputeGradients(FloatTensor input, ReadOnlySpan<int> labels)
    {
        TrainingBatches.Add([.. Enumerable.Range(0, input.Shape[0]).Select(n => input[n, 0])]);
        float loss = Inner.ComputeGradients(input, labels);
        if (FixedGradient is { } value)
        {
            foreach (var named in Parameters)
            {
                named.Parameter.Gradient.Span.Fill(value);
            }
        }

        return loss;
    }

    public double Accuracy(FloatTensor input, ReadOnlySpan<int> labels, int batchSize = 100)
    {
        AccuracyCalls.Add(input.Shape[0]);
        return Inner.Accuracy(input, labels, batchSize);
    }
}
