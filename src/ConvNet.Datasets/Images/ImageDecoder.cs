using ConvNet.Datasets.DigitImages;
using StbImageSharp;

namespace ConvNet.Datasets.Images;

/// <summary>
/// Decodes PNG, JPEG, BMP, GIF (first frame), TGA and PSD files into channel planes in [0, 1], with StbImageSharp
/// (a managed port of stb_image: no native library to ship), refusing oversized pictures before decoding them.
/// </summary>
internal static class ImageDecoder
{
    /// <summary>The largest file read (bytes): larger files are refused before they are read.</summary>
    public const long MaxFileBytes = 256L * 1024 * 1024;

    /// <summary>The most pixels a picture may have (a 10,000 × 10,000 picture); its header is checked before decoding.</summary>
    public const long MaxPixels = 100_000_000;

    private const string Formats = "PNG, JPEG, BMP, GIF, TGA or PSD";

    /// <summary>Reads a whole file, refusing one larger than <see cref="MaxFileBytes"/>.</summary>
    /// <exception cref="InvalidDataException">The file is too large.</exception>
    public static byte[] ReadFile(string path)
    {
        long length = new FileInfo(path).Length;
        if (length > MaxFileBytes)
        {
            throw new InvalidDataException($"'{path}' holds {length:N0} bytes; images of at most {MaxFileBytes:N0} bytes are read.");
        }

        return File.ReadAllBytes(path);
    }

    /// <summary>Reads a whole stream, refusing more than <see cref="MaxFileBytes"/>.</summary>
    /// <exception cref="InvalidDataException">The stream is too long.</exception>
    public static byte[] ReadStream(Stream stream, string name)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81_920];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > MaxFileBytes)
            {
                throw new InvalidDataException($"'{name}' is longer than {MaxFileBytes:N0} bytes, the largest image read.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// The picture as one plane (brightness) or three (red, green, blue), values in [0, 1], transparent areas shown
    /// over white as a viewer shows them.
    /// </summary>
    /// <param name="encoded">The file's bytes.</param>
    /// <param name="color">Grey or RGB.</param>
    /// <param name="name">The file's name, for messages.</param>
    /// <exception cref="InvalidDataException">The bytes are no picture this decoder reads, or the picture is too large.</exception>
    public static GrayImage[] Decode(byte[] encoded, ImageColorMode color, string name)
    {
        ImageInfo? info;
        using (var header = new MemoryStream(encoded, writable: false))
        {
            info = ImageInfo.FromStream(header);
        }

        if (info is not { Width: > 0, Height: > 0 } size)
        {
            throw new InvalidDataException($"'{name}' is not a {Formats} image.");
        }

        if ((long)size.Width * size.Height > MaxPixels)
        {
            throw new InvalidDataException(
                $"'{name}' is {size.Width} × {size.Height} pixels; pictures of at most {MaxPixels:N0} pixels are decoded.");
        }

        ImageResult image;
        try
        {
            image = ImageResult.FromMemory(encoded, ColorComponents.RedGreenBlueAlpha);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            throw new InvalidDataException($"'{name}' cannot be decoded as a {Formats} image: {exception.Message}", exception);
        }

        int pixels = image.Width * image.Height;
        byte[] rgba = image.Data;
        GrayImage[] planes = color == ImageColorMode.Rgb
            ? [new GrayImage(image.Width, image.Height), new GrayImage(image.Width, image.Height), new GrayImage(image.Width, image.Height)]
            : [new GrayImage(image.Width, image.Height)];
        for (int pixel = 0; pixel < pixels; pixel++)
        {
            // Over white: value = alpha · colour + (1 − alpha).
            float opacity = rgba[(4 * pixel) + 3] / 255f;
            float paper = 1f - opacity;
            float red = Math.Min(1f, (opacity * rgba[4 * pixel] / 255f) + paper);
            float green = Math.Min(1f, (opacity * rgba[(4 * pixel) + 1] / 255f) + paper);
            float blue = Math.Min(1f, (opacity * rgba[(4 * pixel) + 2] / 255f) + paper);
            if (color == ImageColorMode.Rgb)
            {
                planes[0].Pixels[pixel] = red;
                planes[1].Pixels[pixel] = green;
                planes[2].Pixels[pixel] = blue;
            }
            else
            {
                planes[0].Pixels[pixel] = Math.Min(1f, (0.299f * red) + (0.587f * green) + (0.114f * blue));
            }
        }

        return planes;
    }
}
