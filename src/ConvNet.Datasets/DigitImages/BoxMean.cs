namespace ConvNet.Datasets.DigitImages;

/// <summary>The mean over a square window around every pixel (clipped at the edges), through a summed-area table.</summary>
internal static class BoxMean
{
    public static GrayImage Compute(GrayImage image, int window)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);
        int width = image.Width, height = image.Height;

        // sums[(y + 1) * (width + 1) + x + 1] = Σ image[0..x, 0..y], in double so that large pictures stay exact enough.
        var sums = new double[(width + 1) * (height + 1)];
        for (int y = 0; y < height; y++)
        {
            double rowSum = 0;
            for (int x = 0; x < width; x++)
            {
                rowSum += image.Pixels[(y * width) + x];
                sums[((y + 1) * (width + 1)) + x + 1] = sums[(y * (width + 1)) + x + 1] + rowSum;
            }
        }

        var mean = new GrayImage(width, height);
        int before = window / 2, after = window - before - 1;
        for (int y = 0; y < height; y++)
        {
            int top = Math.Max(0, y - before), bottom = Math.Min(height - 1, y + after);
            for (int x = 0; x < width; x++)
            {
                int left = Math.Max(0, x - before), right = Math.Min(width - 1, x + after);
                double sum = sums[((bottom + 1) * (width + 1)) + right + 1] - sums[(top * (width + 1)) + right + 1]
                    - sums[((bottom + 1) * (width + 1)) + left] + sums[(top * (width + 1)) + left];
                mean.Pixels[(y * width) + x] = (float)(sum / ((bottom - top + 1) * (right - left + 1)));
            }
        }

        return mean;
    }
}
