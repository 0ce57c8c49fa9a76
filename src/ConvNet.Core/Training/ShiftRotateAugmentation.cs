using ConvNet.Core.Tensors;

namespace ConvNet.Core.Training;

/// <summary>
/// Moves each image of a batch by a random whole number of pixels (at most <see cref="MaxShift"/> along each axis) and
/// rotates it by a random angle (at most <see cref="MaxRotationDegrees"/> either way) about its centre, sampling
/// bilinearly and filling uncovered pixels with 0 (the background of MNIST-style images). All channels of an image
/// get the same transformation.
/// </summary>
/// <remarks>Draws from a generator seeded at construction; allocates nothing per batch.</remarks>
public sealed class ShiftRotateAugmentation : IBatchAugmentation
{
    private readonly Random _random;

    /// <summary>Creates the augmentation.</summary>
    /// <param name="maxShift">The largest shift in pixels along each axis, 0 or more (2 suits 28×28 digits).</param>
    /// <param name="maxRotationDegrees">The largest rotation either way in degrees, in [0, 180] (10 suits digits).</param>
    /// <param name="seed">The seed of the generator.</param>
    /// <exception cref="ArgumentOutOfRangeException">A limit is out of range.</exception>
    public ShiftRotateAugmentation(int maxShift, float maxRotationDegrees, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxShift);
        if (!(maxRotationDegrees is >= 0f and <= 180f))
        {
            throw new ArgumentOutOfRangeException(nameof(maxRotationDegrees), maxRotationDegrees, "The rotation limit must lie in [0, 180] degrees.");
        }

        MaxShift = maxShift;
        MaxRotationDegrees = maxRotationDegrees;
        _random = new Random(seed);
    }

    /// <summary>The largest shift in pixels along each axis.</summary>
    public int MaxShift { get; }

    /// <summary>The largest rotation either way, in degrees.</summary>
    public float MaxRotationDegrees { get; }

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
        float maxRadians = MaxRotationDegrees * MathF.PI / 180f;
        ReadOnlySpan<float> from = source.ReadOnlySpan;
        Span<float> to = destination.Span;
        for (int item = 0; item < source.Shape.BatchSize; item++)
        {
            int shiftX = _random.Next(-MaxShift, MaxShift + 1);
            int shiftY = _random.Next(-MaxShift, MaxShift + 1);
            float angle = ((_random.NextSingle() * 2f) - 1f) * maxRadians;
            for (int channel = 0; channel < channels; channel++)
            {
                int start = ((item * channels) + channel) * planeSize;
                Warp(from.Slice(start, planeSize), to.Slice(start, planeSize), height, width, shiftX, shiftY, angle);
            }
        }
    }

    /// <summary>
    /// destination = source rotated by <paramref name="angle"/> radians about its centre (a positive angle turns the
    /// image clockwise as displayed, y growing downwards), then moved by (shiftX, shiftY); bilinear, 0 outside.
    /// </summary>
    internal static void Warp(ReadOnlySpan<float> source, Span<float> destination, int height, int width, float shiftX, float shiftY, float angle)
    {
        float cos = MathF.Cos(angle);
        float sin = MathF.Sin(angle);
        float centreX = (width - 1) / 2f;
        float centreY = (height - 1) / 2f;
        for (int y = 0; y < height; y++)
        {
            // Each output pixel looks up where it came from: the inverse rotation of (p − centre − shift).
            float v = y - centreY - shiftY;
            for (int x = 0; x < width; x++)
            {
                float u = x - centreX - shiftX;
                float sourceX = (cos * u) + (sin * v) + centreX;
                float sourceY = (-sin * u) + (cos * v) + centreY;
                destination[(y * width) + x] = Sample(source, height, width, sourceX, sourceY);
            }
        }
    }

    private static float Sample(ReadOnlySpan<float> source, int height, int width, float x, float y)
    {
        int left = (int)MathF.Floor(x);
        int top = (int)MathF.Floor(y);
        float right = x - left;
        float bottom = y - top;
        return (Pixel(source, height, width, left, top) * (1f - right) * (1f - bottom))
            + (Pixel(source, height, width, left + 1, top) * right * (1f - bottom))
            + (Pixel(source, height, width, left, top + 1) * (1f - right) * bottom)
            + (Pixel(source, height, width, left + 1, top + 1) * right * bottom);
    }

    private static float Pixel(ReadOnlySpan<float> source, int height, int width, int x, int y) =>
        (uint)x < (uint)width && (uint)y < (uint)height ? source[(y * width) + x] : 0f;
}
