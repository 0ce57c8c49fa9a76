using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;

namespace ConvNet.Onnx.Tests;

/// <summary>Comparisons of class scores from two engines.</summary>
internal static class Scores
{
    /// <summary>
    /// The largest difference between <paramref name="actual"/> and <paramref name="expected"/> relative to the scale of
    /// the image's scores: max over images and classes of |actual − expected| / max(max |expected| of that image, 1e-3).
    /// (A lone score near zero has no meaningful float32 relative error; the row's largest score sets the scale.)
    /// </summary>
    public static double MaxRelativeDifference(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, int classCount)
    {
        actual.Length.Should().Be(expected.Length);
        double worst = 0;
        for (int row = 0; row < expected.Length / classCount; row++)
        {
            ReadOnlySpan<float> expectedRow = expected.Slice(row * classCount, classCount);
            ReadOnlySpan<float> actualRow = actual.Slice(row * classCount, classCount);
            double scale = 1e-3;
            foreach (float value in expectedRow)
            {
                scale = Math.Max(scale, Math.Abs(value));
            }

            for (int k = 0; k < classCount; k++)
            {
                worst = Math.Max(worst, Math.Abs(actualRow[k] - expectedRow[k]) / scale);
            }
        }

        return worst;
    }

    /// <summary>The index of the largest score of each row (the first one on ties).</summary>
    public static int[] ArgMax(ReadOnlySpan<float> scores, int classCount)
    {
        int[] classes = new int[scores.Length / classCount];
        for (int row = 0; row < classes.Length; row++)
        {
            ReadOnlySpan<float> values = scores.Slice(row * classCount, classCount);
            int best = 0;
            for (int k = 1; k < classCount; k++)
            {
                if (values[k] > values[best])
                {
                    best = k;
                }
            }

            classes[row] = best;
        }

        return classes;
    }

    /// <summary>ConvNet's own scores for every item of <paramref name="inputs"/>, in batches of 100.</summary>
    public static float[] Predict(INetwork network, FloatTensor inputs)
    {
        var scores = new List<float>();
        for (int start = 0; start < inputs.Shape[0]; start += 100)
        {
            scores.AddRange(network.Predict(inputs.SliceBatch(start, Math.Min(100, inputs.Shape[0] - start))).ToArray());
        }

        return [.. scores];
    }
}
