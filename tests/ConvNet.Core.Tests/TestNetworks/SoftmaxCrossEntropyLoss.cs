using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.TestNetworks;

/// <summary>Softmax cross-entropy in double precision, written independently of the library's SoftmaxWithLoss.</summary>
internal sealed class SoftmaxCrossEntropyLoss : ILossLayer
{
    private FloatTensor? _scoreGradient;

    public float Forward(FloatTensor scores, ReadOnlySpan<int> labels)
    {
        _scoreGradient = new FloatTensor(scores.Shape);
        return (float)Compute(scores, labels, _scoreGradient);
    }

    public float Forward(FloatTensor scores, FloatTensor targets) => throw new NotSupportedException("The test loss takes class indices only.");

    public FloatTensor Backward() => _scoreGradient ?? throw new InvalidOperationException("Backward before Forward.");

    public double Evaluate(FloatTensor scores, ReadOnlySpan<int> labels) => Compute(scores, labels, gradient: null);

    private static double Compute(FloatTensor scores, ReadOnlySpan<int> labels, FloatTensor? gradient)
    {
        int batch = scores.Shape[0], classes = scores.Shape[1];
        double loss = 0;
        for (int n = 0; n < batch; n++)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                max = Math.Max(max, scores[n, c]);
            }

            double sum = 0;
            for (int c = 0; c < classes; c++)
            {
                sum += Math.Exp(scores[n, c] - max);
            }

            loss -= scores[n, labels[n]] - max - Math.Log(sum);
            if (gradient is not null)
            {
                for (int c = 0; c < classes; c++)
                {
                    double probability = Math.Exp(scores[n, c] - max) / sum;
                    gradient[n, c] = (float)((probability - (c == labels[n] ? 1 : 0)) / batch);
                }
            }
        }

        return loss / batch;
    }
}
