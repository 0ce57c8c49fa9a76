using System.Globalization;
using ConvNet.Core.Data;
using ConvNet.Core.Networks;
using ConvNet.Core.Training;

namespace ConvNet.Mnist;

/// <summary>A network's predictions on a test set and how many were right.</summary>
internal sealed record TestScore(int[] Predictions, int Correct, int Total)
{
    /// <summary>Predicts every test image.</summary>
    public static TestScore Of(INetwork network, LabeledDataset test)
    {
        int[] predictions = Evaluation.PredictClasses(network, test.Inputs);
        int correct = 0;
        for (int i = 0; i < predictions.Length; i++)
        {
            correct += predictions[i] == test.Labels[i] ? 1 : 0;
        }

        return new TestScore(predictions, correct, predictions.Length);
    }

    /// <summary>The fraction predicted right.</summary>
    public double Accuracy => (double)Correct / Total;

    /// <summary>The closing line of <c>train</c> and <c>evaluate</c>, such as <c>Test accuracy: 98.93% (9893/10000)</c>.</summary>
    public string Summary => Line("test");

    /// <summary>The closing line for a set called <paramref name="setName"/>, such as <c>Validation accuracy: 99.00% (99/100)</c>.</summary>
    public string Line(string setName) => string.Create(
        CultureInfo.InvariantCulture, $"{char.ToUpperInvariant(setName[0])}{setName[1..]} accuracy: {100.0 * Correct / Total:0.00}% ({Correct}/{Total})");
}
