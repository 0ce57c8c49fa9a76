namespace ConvNet.Datasets.DigitImages;

/// <summary>Order statistics and Otsu's threshold over values in [0, 1].</summary>
internal static class Statistics
{
    private const int Bins = 256;

    /// <summary>The value below which a share <paramref name="fraction"/> of <paramref name="values"/> lies (to 1/256).</summary>
    public static float Quantile(ReadOnlySpan<float> values, double fraction)
    {
        long[] histogram = Histogram(values);
        long wanted = (long)Math.Ceiling(fraction * values.Length);
        long seen = 0;
        for (int bin = 0; bin < Bins; bin++)
        {
            seen += histogram[bin];
            if (seen >= wanted)
            {
                return (bin + 0.5f) / Bins;
            }
        }

        return 1f;
    }

    /// <summary>
    /// Otsu's threshold: the value that splits the values into two classes with the largest between-class variance.
    /// </summary>
    public static float OtsuThreshold(ReadOnlySpan<float> values)
    {
        long[] histogram = Histogram(values);
        double total = values.Length, sumAll = 0;
        for (int bin = 0; bin < Bins; bin++)
        {
            sumAll += bin * (double)histogram[bin];
        }

        double weightBelow = 0, sumBelow = 0, best = -1;
        int bestBin = 0;
        for (int bin = 0; bin < Bins - 1; bin++)
        {
            weightBelow += histogram[bin];
            sumBelow += bin * (double)histogram[bin];
            double weightAbove = total - weightBelow;
            if (weightBelow == 0 || weightAbove == 0)
            {
                continue;
            }

            double meanBelow = sumBelow / weightBelow, meanAbove = (sumAll - sumBelow) / weightAbove;
            double between = weightBelow * weightAbove * (meanBelow - meanAbove) * (meanBelow - meanAbove);
            if (between > best)
            {
                best = between;
                bestBin = bin;
            }
        }

        return (bestBin + 1f) / Bins;
    }

    private static long[] Histogram(ReadOnlySpan<float> values)
    {
        var histogram = new long[Bins];
        foreach (float value in values)
        {
            histogram[Math.Clamp((int)(value * Bins), 0, Bins - 1)]++;
        }

        return histogram;
    }
}
