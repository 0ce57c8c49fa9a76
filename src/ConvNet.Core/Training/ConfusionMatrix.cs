using System.Globalization;
using System.Text;
using ConvNet.Core.Data;
using ConvNet.Core.Networks;

namespace ConvNet.Core.Training;

/// <summary>
/// Counts of (actual class, predicted class) pairs: the diagonal holds the correct predictions, each off-diagonal
/// cell one kind of mistake.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly int[,] _counts;

    /// <summary>Creates an empty matrix for <paramref name="classCount"/> classes.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is below 1.</exception>
    public ConfusionMatrix(int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        _counts = new int[classCount, classCount];
    }

    /// <summary>The number of classes.</summary>
    public int ClassCount => _counts.GetLength(0);

    /// <summary>The number of items of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    public int this[int actual, int predicted] => _counts[CheckClass(actual, nameof(actual)), CheckClass(predicted, nameof(predicted))];

    /// <summary>The number of items counted.</summary>
    public int Total { get; private set; }

    /// <summary>The number of items predicted correctly (the diagonal's sum).</summary>
    public int Correct { get; private set; }

    /// <summary>The fraction of items predicted correctly; NaN while empty.</summary>
    public double Accuracy => Total == 0 ? double.NaN : (double)Correct / Total;

    /// <summary>Runs <paramref name="network"/> over <paramref name="data"/> and counts its predictions.</summary>
    /// <exception cref="ArgumentException">A label is not below the network's class count.</exception>
    public static ConfusionMatrix Compute(INetwork network, LabeledDataset data, int batchSize = 100)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        var predictions = Evaluation.PredictClasses(network, data.Inputs, batchSize);
        var matrix = new ConfusionMatrix(network.ClassCount);
        for (int i = 0; i < predictions.Length; i++)
        {
            matrix.Add(data.LabelSpan[i], predictions[i]);
        }

        return matrix;
    }

    /// <summary>Counts one item of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A class is not in [0, <see cref="ClassCount"/>).</exception>
    public void Add(int actual, int predicted)
    {
        _counts[CheckClass(actual, nameof(actual)), CheckClass(predicted, nameof(predicted))]++;
        Total++;
        Correct += actual == predicted ? 1 : 0;
    }

    /// <summary>The fraction of items of class <paramref name="actual"/> predicted correctly (its recall); NaN if there are none.</summary>
    public double ClassAccuracy(int actual)
    {
        CheckClass(actual, nameof(actual));
        int count = 0;
        for (int predicted = 0; predicted < ClassCount; predicted++)
        {
            count += _counts[actual, predicted];
        }

        return count == 0 ? double.NaN : (double)_counts[actual, actual] / count;
    }

    /// <summary>
    /// A text table: one row per actual class, one column per predicted class, then the row's accuracy; a last
    /// line with the overall accuracy.
    /// </summary>
    public override string ToString()
    {
        int width = Math.Max(5, Total.ToString(CultureInfo.InvariantCulture).Length + 1);
        var text = new StringBuilder();
        text.Append("actual\\predicted".PadRight(17));
        for (int predicted = 0; predicted < ClassCount; predicted++)
        {
            text.Append(predicted.ToString(CultureInfo.InvariantCulture).PadLeft(width));
        }

        text.AppendLine("  accuracy");
        for (int actual = 0; actual < ClassCount; actual++)
        {
            text.Append(actual.ToString(CultureInfo.InvariantCulture).PadRight(17));
            for (int predicted = 0; predicted < ClassCount; predicted++)
            {
                text.Append(_counts[actual, predicted].ToString(CultureInfo.InvariantCulture).PadLeft(width));
            }

            text.Append(FormatPercent(ClassAccuracy(actual)).PadLeft(10)).AppendLine();
        }

        text.Append(CultureInfo.InvariantCulture, $"overall: {FormatPercent(Accuracy)} ({Correct}/{Total})");
        return text.ToString();
    }

    private static string FormatPercent(double fraction) =>
        double.IsNaN(fraction) ? "-" : (fraction * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%";

    private int CheckClass(int value, string name)
    {
        if ((uint)value >= (uint)ClassCount)
        {
            throw new ArgumentOutOfRangeException(name, value, $"A class index must be in [0, {ClassCount}); got {value}.");
        }

        return value;
    }
}
