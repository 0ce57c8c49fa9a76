using ConvNet.Core.Data;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Training;

/// <summary>
/// Chosen items of a dataset, evaluated in inference-mode chunks gathered into one reused buffer (so a subset or a
/// validation split never needs its own copy of the data).
/// </summary>
internal sealed class EvaluationSet
{
    private readonly LabeledDataset _source;
    private readonly int[] _indices;
    private readonly FloatTensor _chunk;
    private readonly int[] _labels;

    public EvaluationSet(LabeledDataset source, int[] indices, int batchSize)
    {
        _source = source;
        _indices = indices;
        int chunkSize = Math.Min(batchSize, indices.Length);
        _chunk = new FloatTensor(source.Inputs.Shape.WithBatchSize(chunkSize));
        _labels = new int[chunkSize];
    }

    /// <summary>The fraction of the items <paramref name="network"/> classifies correctly, and their mean loss if asked.</summary>
    public (double Accuracy, double Loss) Evaluate(INetwork network, bool withLoss)
    {
        int chunkSize = _labels.Length;
        double correct = 0, lossSum = 0;
        for (int start = 0; start < _indices.Length; start += chunkSize)
        {
            int count = Math.Min(chunkSize, _indices.Length - start);
            var inputs = count == chunkSize ? _chunk : _chunk.SliceBatch(0, count);
            var labels = _labels.AsSpan(0, count);
            _source.Gather(_indices.AsSpan(start, count), inputs, labels);
            correct += Math.Round(network.Accuracy(inputs, labels, chunkSize) * count);
            if (withLoss)
            {
                lossSum += network.Loss(inputs, labels) * (double)count;
            }
        }

        return (correct / _indices.Length, withLoss ? lossSum / _indices.Length : double.NaN);
    }
}
