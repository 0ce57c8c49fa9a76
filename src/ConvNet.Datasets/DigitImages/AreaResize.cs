namespace ConvNet.Datasets.DigitImages;

/// <summary>Area-averaging resize: each target pixel is the mean of the source area it covers.</summary>
/// <remarks>
/// Averaging areas is the anti-aliasing MNIST's 20-pixel scaling needs: it keeps thin strokes when shrinking a large
/// photo, where point sampling would drop them. Enlarging repeats pixels (each target cell lies inside one or two
/// source cells), which keeps a small picture's edges sharp.
/// </remarks>
internal static class AreaResize
{
    public static GrayImage Resize(GrayImage source, int targetWidth, int targetHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetHeight);

        // Rows first ([H, W] → [H, targetW]), then columns ([H, targetW] → [targetH, targetW]).
        AxisWeights columns = AxisWeights.Create(source.Width, targetWidth);
        AxisWeights rows = AxisWeights.Create(source.Height, targetHeight);
        var rowsResized = new float[source.Height * targetWidth];
        for (int y = 0; y < source.Height; y++)
        {
            ReadOnlySpan<float> sourceRow = source.Pixels.AsSpan(y * source.Width, source.Width);
            Span<float> targetRow = rowsResized.AsSpan(y * targetWidth, targetWidth);
            for (int x = 0; x < targetWidth; x++)
            {
                targetRow[x] = columns.Apply(x, sourceRow, 1);
            }
        }

        var target = new GrayImage(targetWidth, targetHeight);
        for (int y = 0; y < targetHeight; y++)
        {
            for (int x = 0; x < targetWidth; x++)
            {
                target.Pixels[(y * targetWidth) + x] = rows.Apply(y, rowsResized.AsSpan(x), targetWidth);
            }
        }

        return target;
    }

    /// <summary>For each target cell, the first source cell it covers and the fraction of it each covered cell makes up.</summary>
    private sealed class AxisWeights(int[] firsts, float[][] fractions)
    {
        public static AxisWeights Create(int sourceLength, int targetLength)
        {
            double cellLength = (double)sourceLength / targetLength;
            var firsts = new int[targetLength];
            var fractions = new float[targetLength][];
            for (int target = 0; target < targetLength; target++)
            {
                double start = target * cellLength;
                double end = start + cellLength;
                int first = (int)Math.Floor(start);
                int last = Math.Min(sourceLength, (int)Math.Ceiling(end)) - 1;
                firsts[target] = first;
                fractions[target] = new float[last - first + 1];
                for (int source = first; source <= last; source++)
                {
                    double overlap = Math.Min(end, source + 1) - Math.Max(start, source);
                    fractions[target][source - first] = (float)(overlap / cellLength);
                }
            }

            return new AxisWeights(firsts, fractions);
        }

        /// <summary>Target cell <paramref name="target"/> from <paramref name="source"/>, whose cells are <paramref name="stride"/> apart.</summary>
        public float Apply(int target, ReadOnlySpan<float> source, int stride)
        {
            float[] weights = fractions[target];
            int offset = firsts[target] * stride;
            float sum = 0f;
            for (int i = 0; i < weights.Length; i++)
            {
                sum += weights[i] * source[offset + (i * stride)];
            }

            return sum;
        }
    }
}
