namespace ConvNet.Mnist;

/// <summary>Turns class scores (logits) into probabilities.</summary>
internal static class Probabilities
{
    /// <summary>The softmax of <paramref name="scores"/>, shifted by the largest score so large logits cannot overflow.</summary>
    public static float[] Softmax(ReadOnlySpan<float> scores)
    {
        float largest = float.NegativeInfinity;
        foreach (float score in scores)
        {
            largest = Math.Max(largest, score);
        }

        var probabilities = new float[scores.Length];
        double sum = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            probabilities[i] = MathF.Exp(scores[i] - largest);
            sum += probabilities[i];
        }

        for (int i = 0; i < probabilities.Length; i++)
        {
            probabilities[i] = (float)(probabilities[i] / sum);
        }

        return probabilities;
    }
}
