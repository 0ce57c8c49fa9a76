using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.TestNetworks;

/// <summary>
/// A multinomial logistic regression written independently of the library's layers, so the optimizers, the trainer
/// and checkpoints can be tested against a network whose every number is easy to follow.
/// </summary>
internal sealed class LinearSoftmaxNetwork : INetwork
{
    private readonly LinearLayer _layer;
    private readonly SoftmaxCrossEntropyLoss _loss = new();

    public LinearSoftmaxNetwork(int inputSize, int classCount, int seed = 1)
    {
        _layer = new LinearLayer("linear", inputSize, classCount);
        var random = new Random(seed);
        foreach (ref float weight in _layer.Weight.Span)
        {
            weight = (float)(random.NextDouble() - 0.5) * 0.1f;
        }

        InputShape = new TensorShape(inputSize);
        ClassCount = classCount;
        Layers = [_layer];
        Parameters = _layer.Parameters.Select(p => new NamedParameter($"{_layer.Name}.{p.Name}", p)).ToArray();
    }

    public TensorShape InputShape { get; }

    public int ClassCount { get; }

    public IReadOnlyList<ILayer> Layers { get; }

    public IReadOnlyList<NamedParameter> Parameters { get; }

    public ILossLayer LossLayer => _loss;

    public LinearLayer Layer => _layer;

    public FloatTensor Predict(FloatTensor input) => _layer.Forward(input, training: false);

    public float Loss(FloatTensor input, ReadOnlySpan<int> labels) => (float)_loss.Evaluate(Predict(input), labels);

    public float ComputeGradients(FloatTensor input, ReadOnlySpan<int> labels)
    {
        float loss = _loss.Forward(_layer.Forward(input, training: true), labels);
        _layer.Backward(_loss.Backward());
        return loss;
    }

    public double Accuracy(FloatTensor input, ReadOnlySpan<int> labels, int batchSize = 100)
    {
        var scores = Predict(input);
        int correct = 0;
        for (int n = 0; n < labels.Length; n++)
        {
            int best = 0;
            for (int c = 1; c < ClassCount; c++)
            {
                if (scores[n, c] > scores[n, best])
                {
                    best = c;
                }
            }

            correct += best == labels[n] ? 1 : 0;
        }

        return (double)correct / labels.Length;
    }
}
