namespace ConvNet.Datasets.DigitImages;

/// <summary>
/// Square minimum and maximum filters (grey-scale erosion and dilation) and the closing built from them, in time
/// independent of the window (van Herk / Gil–Werman: running extremes over blocks of the window's length).
/// </summary>
/// <remarks>Windows are clipped at the picture's edges: outside pixels never take part.</remarks>
internal static class RankFilters
{
    /// <summary>
    /// Grey-scale closing (maximum, then minimum) over <paramref name="window"/> × <paramref name="window"/> squares: it
    /// fills every dark feature narrower than the window (pen strokes) with the brightness around it and keeps
    /// steps and slopes (lighting, the edge of the sheet) where they are.
    /// </summary>
    /// <remarks>
    /// The picture is first extended by a window's width on every side with copies of its edge pixels, so that a dark
    /// band along the edge (the desk beyond the sheet) continues outside and stays background however narrow it is
    /// (a narrower margin would clip the windows of the margin's own pixels).
    /// </remarks>
    public static GrayImage Closing(GrayImage image, int window)
    {
        int margin = window;
        GrayImage closed = Minimum(Maximum(Extend(image, margin), window), window);
        return closed.Crop(new PixelBox(margin, margin, margin + image.Width - 1, margin + image.Height - 1));
    }

    public static GrayImage Maximum(GrayImage image, int window) => Filter(image, window, takeMaximum: true);

    public static GrayImage Minimum(GrayImage image, int window) => Filter(image, window, takeMaximum: false);

    /// <summary>The picture with <paramref name="margin"/> pixels added on every side, each a copy of the nearest edge pixel.</summary>
    private static GrayImage Extend(GrayImage image, int margin)
    {
        var extended = new GrayImage(image.Width + (2 * margin), image.Height + (2 * margin));
        for (int y = 0; y < extended.Height; y++)
        {
            int sourceY = Math.Clamp(y - margin, 0, image.Height - 1);
            for (int x = 0; x < extended.Width; x++)
            {
                extended[x, y] = image[Math.Clamp(x - margin, 0, image.Width - 1), sourceY];
            }
        }

        return extended;
    }

    private static GrayImage Filter(GrayImage image, int window, bool takeMaximum)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);
        int width = image.Width, height = image.Height;
        var rows = new GrayImage(width, height);
        int longest = Math.Max(width, height);
        var line = new float[longest];
        var result = new float[longest];
        var prefix = new float[longest];
        var suffix = new float[longest];
        for (int y = 0; y < height; y++)
        {
            FilterLine(image.Pixels.AsSpan(y * width, width), rows.Pixels.AsSpan(y * width, width), window, takeMaximum, prefix, suffix);
        }

        var output = new GrayImage(width, height);
        for (int x = 0; x < width; x++)
        {
            for (int y = 0; y < height; y++)
            {
                line[y] = rows.Pixels[(y * width) + x];
            }

            FilterLine(line.AsSpan(0, height), result.AsSpan(0, height), window, takeMaximum, prefix, suffix);
            for (int y = 0; y < height; y++)
            {
                output.Pixels[(y * width) + x] = result[y];
            }
        }

        return output;
    }

    /// <summary>
    /// target[i] = extreme of source[i − window/2 .. i − window/2 + window − 1] (clipped). Blocks of length
    /// <paramref name="window"/>: prefix[i] runs from the block start to i, suffix[i] from i to the block end; any window
    /// spans at most two blocks, so its extreme is that of one suffix and one prefix.
    /// </summary>
    private static void FilterLine(ReadOnlySpan<float> source, Span<float> target, int window, bool takeMaximum, float[] prefix, float[] suffix)
    {
        int length = source.Length;
        for (int start = 0; start < length; start += window)
        {
            int end = Math.Min(length, start + window) - 1;
            prefix[start] = source[start];
            for (int i = start + 1; i <= end; i++)
            {
                prefix[i] = Extreme(prefix[i - 1], source[i], takeMaximum);
            }

            suffix[end] = source[end];
            for (int i = end - 1; i >= start; i--)
            {
                suffix[i] = Extreme(suffix[i + 1], source[i], takeMaximum);
            }
        }

        for (int i = 0; i < length; i++)
        {
            int first = Math.Max(0, i - (window / 2));
            int last = Math.Min(length - 1, i - (window / 2) + window - 1);
            // first and last lie in the same block or in neighbouring ones.
            target[i] = (first / window) == (last / window)
                ? RangeExtreme(source, first, last, takeMaximum, prefix, suffix, window)
                : Extreme(suffix[first], prefix[last], takeMaximum);
        }
    }

    private static float RangeExtreme(ReadOnlySpan<float> source, int first, int last, bool takeMaximum, float[] prefix, float[] suffix, int window)
    {
        // A window clipped by the picture's edge inside one block: at the left edge first is the block start (prefix
        // works), at the right edge last is the line's end, which is its block's end (suffix works).
        int blockStart = first / window * window;
        if (first == blockStart)
        {
            return prefix[last];
        }

        if (last == Math.Min(source.Length, blockStart + window) - 1)
        {
            return suffix[first];
        }

        float extreme = source[first];
        for (int i = first + 1; i <= last; i++)
        {
            extreme = Extreme(extreme, source[i], takeMaximum);
        }

        return extreme;
    }

    private static float Extreme(float a, float b, bool takeMaximum) => takeMaximum ? Math.Max(a, b) : Math.Min(a, b);
}
