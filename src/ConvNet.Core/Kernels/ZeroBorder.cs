namespace ConvNet.Core.Kernels;

/// <summary>
/// Planes in and out of a zero border: <see cref="Pad"/> copies each [height, width] plane into the middle of a
/// [height + 2·border, width + 2·border] plane whose border is zero, <see cref="Crop"/> copies the middle back out.
/// Padded pooling runs the unpadded pooling loops on the padded planes (so the zeros take part, as in the seed's
/// im2col) and crops the gradient, which drops what the border received.
/// </summary>
internal static class ZeroBorder
{
    /// <summary>Overwrites every element of <paramref name="padded"/> [planes, height + 2·border, width + 2·border].</summary>
    public static void Pad(ReadOnlySpan<float> planes, Span<float> padded, int planeCount, int height, int width, int border)
    {
        int paddedWidth = width + (2 * border);
        int paddedPlaneSize = (height + (2 * border)) * paddedWidth;
        CheckSizes(planes.Length, padded.Length, planeCount, height, width, border);
        for (int plane = 0; plane < planeCount; plane++)
        {
            Span<float> target = padded.Slice(plane * paddedPlaneSize, paddedPlaneSize);
            ReadOnlySpan<float> source = planes.Slice(plane * height * width, height * width);

            // [top border rows + the first row's left border], then per row: the row, its right border and the next row's left border.
            int position = (border * paddedWidth) + border;
            target[..position].Clear();
            for (int y = 0; y < height; y++, position += paddedWidth)
            {
                source.Slice(y * width, width).CopyTo(target.Slice(position, width));
                target.Slice(position + width, 2 * border).Clear();
            }

            // The bottom border rows, but for the first one's left border, which the last row's step cleared.
            target[position..].Clear();
        }
    }

    /// <summary>Overwrites <paramref name="planes"/> [planes, height, width] with the middle of each padded plane.</summary>
    public static void Crop(ReadOnlySpan<float> padded, Span<float> planes, int planeCount, int height, int width, int border)
    {
        int paddedWidth = width + (2 * border);
        int paddedPlaneSize = (height + (2 * border)) * paddedWidth;
        CheckSizes(planes.Length, padded.Length, planeCount, height, width, border);
        for (int plane = 0; plane < planeCount; plane++)
        {
            ReadOnlySpan<float> source = padded.Slice(plane * paddedPlaneSize, paddedPlaneSize);
            Span<float> target = planes.Slice(plane * height * width, height * width);
            for (int y = 0; y < height; y++)
            {
                source.Slice(((y + border) * paddedWidth) + border, width).CopyTo(target.Slice(y * width, width));
            }
        }
    }

    private static void CheckSizes(int planesLength, int paddedLength, int planeCount, int height, int width, int border)
    {
        // Internal callers pass exact sizes; a mismatch is a library bug, so fail loudly.
        long planesNeeded = (long)planeCount * height * width;
        long paddedNeeded = (long)planeCount * (height + (2 * border)) * (width + (2 * border));
        if (border < 0 || planesLength != planesNeeded || paddedLength != paddedNeeded)
        {
            throw new ArgumentException(
                $"Zero border operand mismatch: planes have {planesLength} of {planesNeeded}, padded planes {paddedLength} of {paddedNeeded} elements (border {border}).");
        }
    }
}
