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
        var gather = new Gather { Images = images, Columns = columns };
        Walk(ref gather, batchSize, geometry);
    }

    /// <summary>The adjoint of <see cref="Im2Col"/>: overwrites <paramref name="images"/> with the sum, per pixel, of
    /// every column entry that was read from it (entries that fell on the padding are dropped).</summary>
    public static void Col2Im(ReadOnlySpan<float> columns, Span<float> images, int batchSize, WindowGeometry geometry)
    {
        CheckSizes(images.Length, columns.Length, batchSize, geometry);
        images[..(batchSize * geometry.ImageSize)].Clear();
        var scatter = new Scatter { Columns = columns, Images = images };
        Walk(ref scatter, batchSize, geometry);
    }

    /// <summary>
    /// Visits every window row segment (one channel, one window row, all window columns) in im2col order, split into the
    /// part that lies on image pixels and the parts that lie on the padding.
    /// </summary>
    private static void Walk<TVisitor>(ref TVisitor visitor, int batchSize, WindowGeometry geometry)
        where TVisitor : ISegmentVisitor, allows ref struct
    {
        int planeSize = geometry.Height * geometry.Width;
        int columnStart = 0;
        for (int item = 0; item < batchSize; item++)
        {
            int imageStart = item * geometry.ImageSize;
            for (int outputY = 0; outputY < geometry.OutputHeight; outputY++)
            {
                int originY = (outputY * geometry.Stride) - geometry.Padding;
                for (int outputX = 0; outputX < geometry.OutputWidth; outputX++)
                {
                    int originX = (outputX * geometry.Stride) - geometry.Padding;

                    // Window columns [inside, insideEnd) fall on pixels of the row; the rest on the left/right padding.
                    int inside = Math.Max(0, -originX);
                    int insideEnd = Math.Min(geometry.WindowWidth, geometry.Width - originX);
                    for (int channel = 0; channel < geometry.Channels; channel++)
                    {
                        for (int windowY = 0; windowY < geometry.WindowHeight; windowY++, columnStart += geometry.WindowWidth)
                        {
                            int y = originY + windowY;
                            if (y < 0 || y >= geometry.Height || inside >= insideEnd)
                            {
                                visitor.Padding(columnStart, geometry.WindowWidth);
                                continue;
                            }

                            visitor.Pixels(imageStart + (channel * planeSize) + (y * geometry.Width) + originX + inside, columnStart + inside, insideEnd - inside);
                            if (inside > 0 || insideEnd < geometry.WindowWidth)
                            {
                                visitor.Padding(columnStart, inside);
                                visitor.Padding(columnStart + insideEnd, geometry.WindowWidth - insideEnd);
                            }
                        }
                    }
                }
            }
        }
    }

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

    private interface ISegmentVisitor
    {
        /// <summary>Column entries [columnStart, columnStart + count) correspond to image pixels from imageStart on.</summary>
        void Pixels(int imageStart, int columnStart, int count);

        /// <summary>Column entries [columnStart, columnStart + count) lie on the zero padding.</summary>
        void Padding(int columnStart, int count);
    }

    /// <summary>im2col: copies pixels into the columns and zeros the padding.</summary>
    private readonly ref struct Gather : ISegmentVisitor
    {
        public required ReadOnlySpan<float> Images { get; init; }

        public required Span<float> Columns { get; init; }

        public void Pixels(int imageStart, int columnStart, int count) => Images.Slice(imageStart, count).CopyTo(Columns.Slice(columnStart, count));

        public void Padding(int columnStart, int count) => Columns.Slice(columnStart, count).Clear();
    }

    /// <summary>col2im: adds column entries onto their pixels and drops the padding.</summary>
    private readonly ref struct Scatter : ISegmentVisitor
    {
        public required ReadOnlySpan<float> Columns { get; init; }

        public required Span<float> Images { get; init; }

        public void Pixels(int imageStart, int columnStart, int count)
        {
            Span<float> target = Images.Slice(imageStart, count);
            TensorPrimitives.Add(target, Columns.Slice(columnStart, count), target);
        }

        public void Padding(int columnStart, int count)
        {
        }
    }
}
