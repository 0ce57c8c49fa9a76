using System.Numerics.Tensors;

namespace ConvNet.Core.Kernels;

/// <summary>
/// im2col and col2im in the seed's layout: one row per window position ordered (batch, outputY, outputX), one
/// column per patch element ordered (channel, windowY, windowX). Padding reads as zero.
/// </summary>
internal static class ImageColumns
{
    /// <summary>Unrolls every window of <paramref name="images"/> [batch, C, H, W] into <paramref name="columns"/>
    /// [batch·outputPositions, patchSize].</summary>
    public static void Im2Col(ReadOnlySpan<float> images, Span<float> columns, int batchSize, WindowGeometry geometry)
    {
        CheckSizes(images.Length, columns.Length, batchSize, geometry);
        int planeSize = geometry.Height * geometry.Width;
        int row = 0;
        for (int item = 0; item < batchSize; item++)
        {
            ReadOnlySpan<float> image = images.Slice(item * geometry.ImageSize, geometry.ImageSize);
            for (int outputY = 0; outputY < geometry.OutputHeight; outputY++)
            {
                int originY = (outputY * geometry.Stride) - geometry.Padding;
                for (int outputX = 0; outputX < geometry.OutputWidth; outputX++, row++)
                {
                    int originX = (outputX * geometry.Stride) - geometry.Padding;
                    (int inside, int insideEnd) = InsideRange(originX, geometry.WindowWidth, geometry.Width);
                    Span<float> patch = columns.Slice(row * geometry.PatchSize, geometry.PatchSize);
                    int segmentStart = 0;
                    for (int channel = 0; channel < geometry.Channels; channel++)
                    {
                        for (int windowY = 0; windowY < geometry.WindowHeight; windowY++, segmentStart += geometry.WindowWidth)
                        {
                            Span<float> segment = patch.Slice(segmentStart, geometry.WindowWidth);
                            int y = originY + windowY;
                            if (y < 0 || y >= geometry.Height || inside >= insideEnd)
                            {
                                segment.Clear();
                                continue;
                            }

                            segment[..inside].Clear();
                            segment[insideEnd..].Clear();
                            int imageStart = (channel * planeSize) + (y * geometry.Width) + originX + inside;
                            image.Slice(imageStart, insideEnd - inside).CopyTo(segment[inside..insideEnd]);
                        }
                    }
                }
            }
        }
    }

    /// <summary>The adjoint of <see cref="Im2Col"/>: overwrites <paramref name="images"/> with the sum, per pixel, of
    /// every column entry that was read from it (entries that fell on the padding are dropped).</summary>
    public static void Col2Im(ReadOnlySpan<float> columns, Span<float> images, int batchSize, WindowGeometry geometry)
    {
        CheckSizes(images.Length, columns.Length, batchSize, geometry);
        images[..(batchSize * geometry.ImageSize)].Clear();
        int planeSize = geometry.Height * geometry.Width;
        int row = 0;
        for (int item = 0; item < batchSize; item++)
        {
            Span<float> image = images.Slice(item * geometry.ImageSize, geometry.ImageSize);
            for (int outputY = 0; outputY < geometry.OutputHeight; outputY++)
            {
                int originY = (outputY * geometry.Stride) - geometry.Padding;
                for (int outputX = 0; outputX < geometry.OutputWidth; outputX++, row++)
                {
                    int originX = (outputX * geometry.Stride) - geometry.Padding;
                    (int inside, int insideEnd) = InsideRange(originX, geometry.WindowWidth, geometry.Width);
                    ReadOnlySpan<float> patch = columns.Slice(row * geometry.PatchSize, geometry.PatchSize);
                    int segmentStart = 0;
                    for (int channel = 0; channel < geometry.Channels; channel++)
                    {
                        for (int windowY = 0; windowY < geometry.WindowHeight; windowY++, segmentStart += geometry.WindowWidth)
                        {
                            int y = originY + windowY;
                            if (y < 0 || y >= geometry.Height || inside >= insideEnd)
                            {
                                continue;
                            }

                            Span<float> target = image.Slice((channel * planeSize) + (y * geometry.Width) + originX + inside, insideEnd - inside);
                            TensorPrimitives.Add(target, patch.Slice(segmentStart + inside, insideEnd - inside), target);
                        }
                    }
                }
            }
        }
    }

    /// <summary>The window offsets [start, end) whose pixels lie inside an image row of <paramref name="imageSize"/>
    /// when the window starts at <paramref name="origin"/> (negative inside the left padding).</summary>
    private static (int Start, int End) InsideRange(int origin, int windowSize, int imageSize) =>
        (Math.Max(0, -origin), Math.Min(windowSize, imageSize - origin));

    private static void CheckSizes(int imagesLength, int columnsLength, int batchSize, WindowGeometry geometry)
    {
        // Internal callers pass exact sizes; a mismatch is a library bug, so fail loudly rather than index out of range.
        long imagesNeeded = (long)batchSize * geometry.ImageSize;
        long columnsNeeded = (long)batchSize * geometry.OutputPositions * geometry.PatchSize;
        if (imagesLength < imagesNeeded || columnsLength < columnsNeeded)
        {
            throw new ArgumentException(
                $"im2col operand too small: images have {imagesLength} of {imagesNeeded}, columns {columnsLength} of {columnsNeeded} elements.");
        }
    }
}
