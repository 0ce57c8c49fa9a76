namespace ConvNet.Datasets.DigitImages;

/// <summary>A single-channel picture: <see cref="Width"/> × <see cref="Height"/> floats, row-major.</summary>
/// <remarks>The preprocessing stages pass these between them; each stage returns a new image and keeps its input.</remarks>
internal sealed class GrayImage
{
    public GrayImage(int width, int height)
        : this(width, height, new float[checked(width * height)])
    {
    }

    public GrayImage(int width, int height, float[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNotEqual(pixels.Length, width * height, nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The pixels, row-major: (x, y) is at <c>y * Width + x</c>.</summary>
    public float[] Pixels { get; }

    public float this[int x, int y]
    {
        get => Pixels[(y * Width) + x];
        set => Pixels[(y * Width) + x] = value;
    }

    public GrayImage Clone() => new(Width, Height, (float[])Pixels.Clone());

    /// <summary>
    /// The pixels' sum and the centre of mass they weigh, in pixel coordinates (pixel (x, y) at x, y; the centre is
    /// meaningless when the mass is 0).
    /// </summary>
    public (double Mass, double X, double Y) CentreOfMass()
    {
        double mass = 0, sumX = 0, sumY = 0;
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                float value = this[x, y];
                mass += value;
                sumX += value * x;
                sumY += value * y;
            }
        }

        return mass > 0 ? (mass, sumX / mass, sumY / mass) : (0, 0, 0);
    }

    /// <summary>The rectangle <paramref name="box"/> copied out.</summary>
    public GrayImage Crop(PixelBox box)
    {
        var cropped = new GrayImage(box.Width, box.Height);
        for (int y = 0; y < box.Height; y++)
        {
            Pixels.AsSpan(((box.Top + y) * Width) + box.Left, box.Width).CopyTo(cropped.Pixels.AsSpan(y * box.Width, box.Width));
        }

        return cropped;
    }
}
