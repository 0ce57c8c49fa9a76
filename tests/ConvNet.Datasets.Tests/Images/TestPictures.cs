using SkiaSharp;

namespace ConvNet.Datasets.Tests.Images;

/// <summary>Writes pictures with known pixels through SkiaSharp's encoders.</summary>
internal static class TestPictures
{
    /// <summary>Writes a <paramref name="width"/> × <paramref name="height"/> picture whose pixel (x, y) is <paramref name="pixel"/>(x, y).</summary>
    public static string Write(string path, int width, int height, Func<int, int, SKColor> pixel, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, pixel(x, y));
            }
        }

        using SKData encoded = bitmap.Encode(format, 100);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, encoded.ToArray());
        return path;
    }

    /// <summary>A one-colour picture.</summary>
    public static string Solid(string path, SKColor color, int size = 8) => Write(path, size, size, (_, _) => color);
}
