using SkiaSharp;

namespace ConvNet.Mnist;

/// <summary>Reads PNG, JPEG and the other formats SkiaSharp decodes as grayscale brightness.</summary>
internal static class ImageFile
{
    /// <summary>The picture's brightness in [0, 1] (0 black), transparent areas shown on white paper.</summary>
    /// <exception cref="InvalidDataException">The file is not an image SkiaSharp can decode.</exception>
    public static (float[] Luminance, int Width, int Height) ReadGrayscale(string path)
    {
        using SKBitmap? bitmap = SKBitmap.Decode(path);
        if (bitmap is null)
        {
            throw new InvalidDataException($"Cannot read '{path}' as an image (PNG, JPEG, GIF, BMP or WebP expected).");
        }

        var luminance = new float[bitmap.Width * bitmap.Height];
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                SKColor color = bitmap.GetPixel(x, y);
                float brightness = ((0.299f * color.Red) + (0.587f * color.Green) + (0.114f * color.Blue)) / 255f;
                float opacity = color.Alpha / 255f;
                luminance[(y * bitmap.Width) + x] = Math.Clamp((opacity * brightness) + (1f - opacity), 0f, 1f);
            }
        }

        return (luminance, bitmap.Width, bitmap.Height);
    }
}
