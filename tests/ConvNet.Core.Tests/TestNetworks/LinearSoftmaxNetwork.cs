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

    public LinearLayer Layer => _layer;

    public Tensor Predict(Tensor input) => _layer.Forward(input, training: false);

    public float Loss(Tensor input, ReadOnlySpan<int> labels) => SoftmaxCrossEntropy(Predict(input), labels, gradient: null);

    public float ComputeGradients(Tensor input, ReadOnlySpan<int> labels)
    {
        var scores = _layer.Forward(input, training: true);
        var scoreGradient = new Tensor(scores.Shape);
        float loss = SoftmaxCrossEntropy(scores, labels, scoreGradient);
        _layer.Backward(scoreGradient);
        return loss;
    }

    public double Accuracy(Tensor input, ReadOnlySpan<int> labels, int batchSize = 100)
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

    private float SoftmaxCrossEntropy(Tensor scores, ReadOnlySpan<int> labels, Tensor? gradient)
    {
        int batch = scores.Shape[0];
        double loss = 0;
        for (int n = 0; n < batch; n++)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < ClassCount; c++)
            {
                max = Math.Max(max, scores[n, c]);
            }

            double sum = 0;
            for (int c = 0; c < ClassCount; c++)
            {
                sum += Math.Exp(scores[n, c] - max);
            }

            loss -= scores[n, labels[n]] - max - Math.Log(sum);
            if (gradient is not null)
            {
                for (int c = 0; c < ClassCount; c++)
                {
                    double probability = Math.Exp(scores[n, c] - max) / sum;
                    gradient[n, c] = (float)((probability - (c == labels[n] ? 1 : 0)) / batch);
                }
            }
        }

        return (float)(loss / batch);
    }
}
