using ConvNet.Core.Tensors;

namespace ConvNet.Datasets.DigitImages;

/// <summary>
/// MNIST's own last steps: the digit's longer side scaled to 20 pixels with anti-aliasing, then placed in a 28×28
/// field so that its centre of mass is at the field's centre.
/// </summary>
internal static class MnistLayout
{
    public const int ImageSize = 28;
    public const int DigitSize = 20;

    /// <summary>The bounding box of the pixels above zero, or null when there are none.</summary>
    public static PixelBox? InkBounds(GrayImage ink)
    {
        int left = ink.Width, right = -1, top = ink.Height, bottom = -1;
        for (int y = 0; y < ink.Height; y++)
        {
            for (int x = 0; x < ink.Width; x++)
            {
                if (ink[x, y] > 0f)
                {
                    (left, right) = (Math.Min(left, x), Math.Max(right, x));
                    (top, bottom) = (Math.Min(top, y), Math.Max(bottom, y));
                }
            }
        }

        return right < 0 ? null : new PixelBox(left, top, right, bottom);
    }

    /// <summary>The digit (ink 1 on 0, cropped to its ink) as a [1, 1, 28, 28] tensor.</summary>
    public static FloatTensor Place(GrayImage digit)
    {
        float scale = (float)DigitSize / Math.Max(digit.Width, digit.Height);
        int width = Math.Clamp((int)MathF.Round(digit.Width * scale), 1, DigitSize);
        int height = Math.Clamp((int)MathF.Round(digit.Height * scale), 1, DigitSize);
        GrayImage scaled = AreaResize.Resize(digit, width, height);
        return CentreByMass(scaled);
    }

    private static FloatTensor CentreByMass(GrayImage digit)
    {
        // Pixel x covers [x, x + 1): its centre is at x + 0.5 in the field's coordinates.
        (double mass, double centreX, double centreY) = digit.CentreOfMass();
        (centreX, centreY) = (centreX + 0.5, centreY + 0.5);

        // Shift so the centre of mass lands on the field's centre, but never push ink off the field.
        const double centre = ImageSize / 2.0;
        int left = mass > 0 ? Math.Clamp((int)Math.Round(centre - centreX), 0, ImageSize - digit.Width) : (ImageSize - digit.Width) / 2;
        int top = mass > 0 ? Math.Clamp((int)Math.Round(centre - centreY), 0, ImageSize - digit.Height) : (ImageSize - digit.Height) / 2;

        var image = new FloatTensor(1, 1, ImageSize, ImageSize);
        Span<float> pixels = image.Span;
        for (int y = 0; y < digit.Height; y++)
        {
            digit.Pixels.AsSpan(y * digit.Width, digit.Width).CopyTo(pixels.Slice(((top + y) * ImageSize) + left, digit.Width));
        }

        return image;
    }
}
