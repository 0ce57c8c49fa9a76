using ConvNet.Core.Kernels;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Training;

/// <summary>
/// Randomly shifts, rotates, scales, thickens or thins and mirrors each image of a batch as its <see cref="ImageAugmentationOptions"/> say, for
/// images of any size and channel count (grey digits, RGB photos). All channels of an image get the same
/// transformation; each image gets its own.
/// </summary>
/// <remarks>
/// Per image it draws, in this order, a shift along x and along y, an angle, (only when flips are on) a coin, (only
/// when scaling is on) a scale and (only when thickness changes are on) a thickness change, from a generator seeded at
/// construction, so a run is reproducible. Without rotation or scaling the shift and flip are whole-pixel copies;
/// otherwise each output pixel is sampled bilinearly. Allocates nothing per batch (the thickness change keeps one
/// plane of scratch space).
/// </remarks>
public sealed class ImageAugmentation : IBatchAugmentation
{
    private readonly Random _random;
    private float[] _scratch = [];

    /// <summary>Creates the augmentation.</summary>
    /// <param name="options">What to do to each image.</param>
    /// <param name="seed">The seed of the generator.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public ImageAugmentation(ImageAugmentationOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _random = new Random(seed);
    }

    /// <summary>What the augmentation does to each image.</summary>
    public ImageAugmentationOptions Options { get; }

    /// <inheritdoc />
    public void Apply(FloatTensor source, FloatTensor destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (source.Shape.Rank != 4 || destination.Shape != source.Shape)
        {
            throw new ArgumentException(
                $"Augmentation needs a source [N, C, H, W] and a destination of the same shape; got {source.Shape} and {destination.Shape}.",
                nameof(destination));
        }

        int channels = source.Shape[1];
        int height = source.Shape[2];
        int width = source.Shape[3];
        int planeSize = height * width;
        int maxShift = Options.MaxShift;
        float maxRadians = Options.MaxRotationDegrees * MathF.PI / 180f;
        ReadOnlySpan<float> from = source.ReadOnlySpan;
        Span<float> to = destination.Span;
        for (int item = 0; item < source.Shape.BatchSize; item++)
        {
            int shiftX = _random.Next(-maxShift, maxShift + 1);
            int shiftY = _random.Next(-maxShift, maxShift + 1);
            float angle = ((_random.NextSingle() * 2f) - 1f) * maxRadians;
            bool flip = Options.HorizontalFlip && _random.Next(2) == 1;
            float scale = Options.MaxScaleChange > 0f ? 1f + (((_random.NextSingle() * 2f) - 1f) * Options.MaxScaleChange) : 1f;
            float thickness = Options.MaxThicknessChange > 0f ? ((_random.NextSingle() * 2f) - 1f) * Options.MaxThicknessChange : 0f;
            for (int channel = 0; channel < channels; channel++)
            {
                int start = ((item * channels) + channel) * planeSize;
                var plane = new Plane(from.Slice(start, planeSize), height, width, flip, Options.Fill);
                Span<float> output = to.Slice(start, planeSize);
                if (angle == 0f && scale == 1f)
                {
                    plane.Shift(output, shiftX, shiftY);
                }
                else
                {
                    plane.Warp(output, shiftX, shiftY, angle, scale);
                }

                if (thickness != 0f)
                {
                    if (_scratch.Length < planeSize)
                    {
                        _scratch = new float[planeSize];
                    }

                    StrokeThickness.Change(output, _scratch.AsSpan(0, planeSize), height, width, thickness);
                }
            }
        }
    }

    /// <summary>
    /// destination = the source plane [height, width], mirrored left to right when <paramref name="flip"/>, rotated by
    /// <paramref name="angle"/> radians about its centre (a positive angle turns it clockwise as displayed, y growing
    /// downwards), scaled by <paramref name="scale"/> about its centre, then moved by (shiftX, shiftY); bilinear,
    /// <paramref name="fill"/> outside.
    /// </summary>
    internal static void Warp(
        ReadOnlySpan<float> source,
        Span<float> destination,
        int height,
        int width,
        float shiftX,
        float shiftY,
        float angle,
        bool flip = false,
        float fill = 0f,
        float scale = 1f) =>
        new Plane(source, height, width, flip, fill).Warp(destination, shiftX, shiftY, angle, scale);

    /// <summary>One channel of one image, read as if already mirrored when <see cref="_flip"/> is set.</summary>
    private readonly ref struct Plane(ReadOnlySpan<float> source, int height, int width, bool flip, float fill)
    {
        private readonly ReadOnlySpan<float> _source = source;
        private readonly bool _flip = flip;

        /// <summary>Whole-pixel move: each output row is a (possibly reversed) copy of one source row, fill around it.</summary>
        public void Shift(Span<float> destination, int shiftX, int shiftY)
        {
            // Output x reads (mirrored) source column x − shiftX, so the covered outputs are [max(0, shiftX), min(width, width + shiftX)).
            int firstX = Math.Max(0, shiftX);
            int endX = Math.Min(width, width + shiftX);
            for (int y = 0; y < height; y++)
            {
                Span<float> row = destination.Slice(y * width, width);
                int sourceY = y - shiftY;
                if ((uint)sourceY >= (uint)height || firstX >= endX)
                {
                    row.Fill(fill);
                    continue;
                }

                row[..firstX].Fill(fill);
                row[endX..].Fill(fill);
                ReadOnlySpan<float> sourceRow = _source.Slice(sourceY * width, width);
                if (!_flip)
                {
                    sourceRow[(firstX - shiftX)..(endX - shiftX)].CopyTo(row[firstX..endX]);
                    continue;
                }

                for (int x = firstX; x < endX; x++)
                {
                    row[x] = sourceRow[width - 1 - (x - shiftX)];
                }
            }
        }

        /// <summary>Rotation, scaling and sub-pixel shift: each output pixel looks up where it came from and samples bilinearly.</summary>
        public void Warp(Span<float> destination, float shiftX, float shiftY, float angle, float scale)
        {
            // The inverse scaling folds into the inverse rotation.
            float cos = MathF.Cos(angle) / scale;
            float sin = MathF.Sin(angle) / scale;
            float centreX = (width - 1) / 2f;
            float centreY = (height - 1) / 2f;
            for (int y = 0; y < height; y++)
            {
                // The inverse rotation of (p − centre − shift).
                float v = y - centreY - shiftY;
                for (int x = 0; x < width; x++)
                {
                    float u = x - centreX - shiftX;
                    float sourceX = (cos * u) + (sin * v) + centreX;
                    float sourceY = (-sin * u) + (cos * v) + centreY;
                    destination[(y * width) + x] = Sample(sourceX, sourceY);
                }
            }
        }

        private float Sample(float x, float y)
        {
            int left = (int)MathF.Floor(x);
            int top = (int)MathF.Floor(y);
            float right = x - left;
            float bottom = y - top;
            float topLeft, topRight, bottomLeft, bottomRight;
            if (!_flip && (uint)left < (uint)(width - 1) && (uint)top < (uint)(height - 1))
            {
                // All four pixels inside the plane (most of it): read without the per-pixel checks.
                int index = (top * width) + left;
                (topLeft, topRight, bottomLeft, bottomRight) = (_source[index], _source[index + 1], _source[index + width], _source[index + width + 1]);
            }
            else
            {
                (topLeft, topRight, bottomLeft, bottomRight) = (Pixel(left, top), Pixel(left + 1, top), Pixel(left, top + 1), Pixel(left + 1, top + 1));
            }

            return (topLeft * (1f - right) * (1f - bottom))
                + (topRight * right * (1f - bottom))
                + (bottomLeft * (1f - right) * bottom)
                + (bottomRight * right * bottom);
        }

        private float Pixel(int x, int y)
        {
            if ((uint)x >= (uint)width || (uint)y >= (uint)height)
            {
                return fill;
            }

            return _source[(y * width) + (_flip ? width - 1 - x : x)];
        }
    }
}
