using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.TestNetworks;

/// <summary>A network whose training pass allocates nothing (a constant loss and gradient), to measure the trainer's own allocations.</summary>
internal sealed class ConstantGradientNetwork : INetwork
{
    private readonly Parameter _weight = new("weight", new FloatTensor(2, 2));

    public ConstantGradientNetwork() => Parameters = [new NamedParameter("dense.weight", _weight)];

    public TensorShape InputShape { get; } = new(2);

    public int ClassCount => 2;

    public IReadOnlyList<ILayer> Layers { get; } = [];

    public IReadOnlyList<NamedParameter> Parameters { get; }

    public ILossLayer LossLayer { get; } = new SoftmaxCrossEntropyLoss();

    public FloatTensor Predict(FloatTensor input) => new(input.Shape[0], ClassCount);

    public float Loss(FloatTensor input, ReadOnlySpan<int> labels) => 1f;

    public float ComputeGradients(FloatTensor input, ReadOnlySpan<int> labels)
    {
        _weight.Gradient.Span.Fill(0.01f);
        return 1f;
    }

    public double Accuracy(FloatTensor input, ReadOnlySpan<int> labels, int batchSize = 100) => 0.5;
}
