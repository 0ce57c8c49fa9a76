using System.Numerics.Tensors;

namespace ConvNet.Core.Kernels;

/// <summary>
/// Row-wise softmax and cross-entropy on [rows, classes] logits, stable for any finite logits: every row is shifted
/// by its maximum before exponentiating (<c>TensorPrimitives.SoftMax</c> does not shift, so it overflows on logits
/// near 100 and is not used), and the loss uses log-sum-exp instead of log(softmax + 1e-7).
/// </summary>
internal static class Softmax
{
    /// <summary>Writes the softmax of each row into <paramref name="probabilities"/> and returns the mean over rows
    /// of −log softmax(row)[label], accumulated in double.</summary>
    public static double ForwardWithLabels(ReadOnlySpan<float> logits, Span<float> probabilities, ReadOnlySpan<int> labels, int classes)
    {
        int rows = labels.Length;
        double total = 0;
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<float> rowLogits = logits.Slice(row * classes, classes);
            double logSumExp = SoftmaxRow(rowLogits, probabilities.Slice(row * classes, classes));
            total += logSumExp - rowLogits[labels[row]];
        }

        return total / rows;
    }

    /// <summary>Writes the softmax of each row into <paramref name="probabilities"/> and returns the mean over rows
    /// of −Σ target·log softmax(row), accumulated in double.</summary>
    public static double ForwardWithTargets(ReadOnlySpan<float> logits, Span<float> probabilities, ReadOnlySpan<float> targets, int rows, int classes)
    {
        double total = 0;
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<float> rowLogits = logits.Slice(row * classes, classes);
            ReadOnlySpan<float> rowTargets = targets.Slice(row * classes, classes);
            double logSumExp = SoftmaxRow(rowLogits, probabilities.Slice(row * classes, classes));
            for (int column = 0; column < classes; column++)
            {
                total += rowTargets[column] * (logSumExp - rowLogits[column]);
            }
        }

        return total / rows;
    }

    /// <summary>Mean cross-entropy for class-index labels without writing probabilities (stateless; for evaluation).</summary>
    public static double CrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes)
    {
        double total = 0;
        for (int row = 0; row < labels.Length; row++)
        {
            ReadOnlySpan<float> rowLogits = logits.Slice(row * classes, classes);
            total += LogSumExp(rowLogits) - rowLogits[labels[row]];
        }

        return total / labels.Length;
    }

    /// <summary>
    /// The mean over rows of logit[label] − mean(row), in double: what label smoothing ε adds to the cross-entropy
    /// (times ε), since −Σ q·log softmax with q = (1 − ε)·one-hot + ε/classes is the cross-entropy + ε·(logit[label] − mean).
    /// </summary>
    public static double MeanLabelMargin(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes)
    {
        double total = 0;
        for (int row = 0; row < labels.Length; row++)
        {
            ReadOnlySpan<float> rowLogits = logits.Slice(row * classes, classes);
            double sum = 0;
            foreach (float logit in rowLogits)
            {
                sum += logit;
            }

            total += rowLogits[labels[row]] - (sum / classes);
        }

        return total / labels.Length;
    }

    /// <summary>log Σ exp(row), computed as max + log Σ exp(row − max) in double.</summary>
    public static double LogSumExp(ReadOnlySpan<float> row)
    {
        float max = TensorPrimitives.Max(row);
        double sum = 0;
        foreach (float value in row)
        {
            sum += Math.Exp(value - max);
        }

        return max + Math.Log(sum);
    }

    /// <summary>Writes the softmax of every row of <paramref name="logits"/> [rows, classes] into
    /// <paramref name="probabilities"/>, which may be the same memory.</summary>
    public static void Rows(ReadOnlySpan<float> logits, Span<float> probabilities, int classes)
    {
        for (int start = 0; start < logits.Length; start += classes)
        {
            SoftmaxRow(logits.Slice(start, classes), probabilities.Slice(start, classes));
        }
    }

    /// <summary>Writes softmax(row) and returns log Σ exp(row).</summary>
    private static double SoftmaxRow(ReadOnlySpan<float> row, Span<float> probabilities)
    {
        float max = TensorPrimitives.Max(row);
        TensorPrimitives.Subtract(row, max, probabilities);
        TensorPrimitives.Exp(probabilities, probabilities);
        float sum = TensorPrimitives.Sum(probabilities);
        TensorPrimitives.Divide(probabilities, sum, probabilities);
        return max + Math.Log(sum);
    }
}
