using System.Numerics.Tensors;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Training;

/// <summary>Classification metrics computed by running a network over a set of inputs.</summary>
public static class Evaluation
{
    /// <summary>The predicted class (the index of the highest score) of every item of <paramref name="inputs"/>.</summary>
    /// <param name="network">The classifier.</param>
    /// <param name="inputs">Items shaped [count, ..network.InputShape].</param>
    /// <param name="batchSize">Items per inference pass (the last may be smaller).</param>
    public static int[] PredictClasses(INetwork network, FloatTensor inputs, int batchSize = 100)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int count = inputs.Shape[0];
        var predictions = new int[count];
        for (int start = 0; start < count; start += batchSize)
        {
            var scores = network.Predict(inputs.SliceBatch(start, Math.Min(batchSize, count - start)));
            int classes = scores.Shape[1];
            ReadOnlySpan<float> rows = scores.ReadOnlySpan;
            for (int row = 0; row < scores.Shape[0]; row++)
            {
                predictions[start + row] = TensorPrimitives.IndexOfMax(rows.Slice(row * classes, classes));
            }
        }

        return predictions;
    }

    /// <summary>The fraction of <paramref name="predictions"/> equal to <paramref name="labels"/>.</summary>
    /// <exception cref="ArgumentException">The lengths differ or are zero.</exception>
    public static double Accuracy(ReadOnlySpan<int> predictions, ReadOnlySpan<int> labels)
    {
        if (predictions.Length != labels.Length || labels.IsEmpty)
        {
            throw new ArgumentException(
                $"Accuracy needs as many predictions as labels, at least one; got {predictions.Length} and {labels.Length}.", nameof(labels));
        }

        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            correct += predictions[i] == labels[i] ? 1 : 0;
        }

        return (double)correct / labels.Length;
    }
}
