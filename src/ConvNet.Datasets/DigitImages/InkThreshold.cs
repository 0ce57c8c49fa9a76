namespace ConvNet.Datasets.DigitImages;

/// <summary>Chooses the ink strength above which a pixel counts as ink, from the picture's own statistics.</summary>
internal static class InkThreshold
{
    /// <summary>No threshold goes below this: less contrast than this with the paper is not a pen stroke.</summary>
    public const float MinimumInk = 0.12f;

    // Otsu's threshold never goes above this: where a large region of very strong "ink" (a dark desk, a black shadow)
    // sits beside a digit in grey or blue ink, Otsu would split the two and lose the digit.
    private const float HighestThreshold = 0.4f;

    // Paper pixels scatter around their median with the sensor's noise; ink lies this many noise deviations above.
    private const float NoiseDeviations = 6f;

    /// <summary>
    /// Otsu's threshold among the pixels that stand out from the paper's noise (so that the thousands of paper pixels
    /// do not pull it down into the noise): it separates strokes from faint lines of ruled paper and from halos.
    /// </summary>
    public static float Choose(GrayImage ink)
    {
        float median = Statistics.Quantile(ink.Pixels, 0.5);
        float[] deviations = ink.Pixels.Select(value => Math.Abs(value - median)).ToArray();
        float noise = 1.4826f * Statistics.Quantile(deviations, 0.5);
        float floor = Math.Max(MinimumInk, median + (NoiseDeviations * noise));
        float[] candidates = ink.Pixels.Where(value => value >= floor).ToArray();
        return candidates.Length == 0 ? floor : Math.Max(floor, Math.Min(HighestThreshold, Statistics.OtsuThreshold(candidates)));
    }
}
