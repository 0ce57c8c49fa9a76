using ConvNet.Core.Data;
using SkiaSharp;

namespace ConvNet.Web.Tests;

/// <summary>Pictures to upload: MNIST digits printed large, dark on white like the page's canvas, and blank paper.</summary>
internal static class TestPictures
{
    private const int Scale = 10;

    /// <summary>Item <paramref name="index"/> of <paramref name="data"/>, 280×280 with black ink on white paper.</summary>
    public static byte[] FromMnist(LabeledDataset data, int index, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        const int Side = 28;
        ReadOnlySpan<float> ink = data.Inputs.SliceBatch(index, 1).ReadOnlySpan;   // [1, 1, 28, 28], ink 1
        var grey = new byte[Side * Scale * Side * Scale];
        for (int y = 0; y < Side * Scale; y++)
        {
            for (int x = 0; x < Side * Scale; x++)
            {
                grey[(y * Side * Scale) + x] = (byte)Math.Round(255 * (1 - ink[((y / Scale) * Side) + (x / Scale)]));
            }
        }

        return Encode(grey, Side * Scale, Side * Scale, format);
    }

    /// <summary>White paper with nothing on it.</summary>
    public static byte[] Blank(int width = 280, int height = 280) =>
        Encode(Enumerable.Repeat((byte)255, width * height).ToArray(), width, height, SKEncodedImageFormat.Png);

    /// <summary>A grey picture (row-major, 0 black) encoded as PNG or JPEG.</summary>
    public static byte[] Encode(byte[] grey, int width, int height, SKEncodedImageFormat format)
    {
        var info = new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque);
        using SKImage image = SKImage.FromPixelCopy(info, grey.AsSpan(), width);
        using SKData encoded = image.Encode(format, 95);
        return encoded.ToArray();
    }
}
