using ConvNet.Core.Serialization;
using ConvNet.Datasets;
using SkiaSharp;

namespace ConvNet.Mnist;

/// <summary>
/// Reads PNG, JPEG and the other formats SkiaSharp decodes as grayscale brightness. Both samples compile this file:
/// the console sample reads files, the web sample uploads.
/// </summary>
/// <remarks>
/// Pictures may come from strangers: the file's size and the pixel count its header declares are checked before
/// anything is decoded (a 138-byte PNG can declare 20000×20000 pixels), and a picture that does not decode
/// completely (a truncated or damaged file) is refused rather than shown with its missing part filled in.
/// </remarks>
internal static class ImageFile
{
    /// <summary>The largest picture file accepted, in bytes.</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>The picture's brightness in [0, 1] (0 black), transparent areas shown on white paper.</summary>
    /// <exception cref="InvalidDataException">
    /// The file is not an image SkiaSharp can decode, is truncated or damaged, is not a regular file, or is larger
    /// than <see cref="MaxFileBytes"/> or <see cref="MnistImagePreprocessor.MaxPixels"/> pixels.
    /// </exception>
    public static (float[] Luminance, int Width, int Height) ReadGrayscale(string path)
    {
        using FileStream file = InputFile.OpenRead(path, MaxFileBytes);
        return ReadGrayscale(file, $"'{path}'");
    }

    /// <summary>The brightness of an encoded picture read from <paramref name="encoded"/> (an upload), checked as a file is.</summary>
    /// <param name="encoded">The PNG, JPEG, ... bytes, from the stream's position.</param>
    /// <param name="description">What the bytes are, for error messages (a quoted path, or "the upload").</param>
    /// <param name="maxPixels">The most pixels the picture may declare; at most <see cref="MnistImagePreprocessor.MaxPixels"/>.</param>
    /// <exception cref="InvalidDataException">
    /// The bytes are not an image SkiaSharp can decode, are truncated or damaged, or declare more than
    /// <paramref name="maxPixels"/> pixels or <see cref="MnistImagePreprocessor.MaxSide"/> on a side.
    /// </exception>
    public static (float[] Luminance, int Width, int Height) ReadGrayscale(
        Stream encoded, string description, long maxPixels = MnistImagePreprocessor.MaxPixels)
    {
        using SKCodec? codec = SKCodec.Create(encoded, out SKCodecResult opened);
        if (codec is null)
        {
            throw new InvalidDataException($"Cannot read {description} as an image (PNG, JPEG, GIF, BMP or WebP expected; the decoder says {opened}).");
        }

        int width = codec.Info.Width;
        int height = codec.Info.Height;
        maxPixels = Math.Min(maxPixels, MnistImagePreprocessor.MaxPixels);
        if (width <= 0 || height <= 0 || (long)width * height > maxPixels || Math.Max(width, height) > MnistImagePreprocessor.MaxSide)
        {
            throw new InvalidDataException(
                $"{description} declares {width}×{height} pixels; pictures of at most {maxPixels:N0} pixels and {MnistImagePreprocessor.MaxSide:N0} on a side are read.");
        }

        // Unpremultiplied RGBA, 4 bytes per pixel: the colour of a half-transparent pixel stays as drawn.
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        SKCodecResult decoded = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        if (decoded != SKCodecResult.Success)
        {
            // IncompleteInput: a truncated file, whose missing rows the decoder would leave as blank (or as ink).
            throw new InvalidDataException($"{description} is truncated or damaged: the {width}×{height} picture does not decode completely ({decoded}).");
        }

        ReadOnlySpan<byte> rgba = bitmap.GetPixelSpan();
        var luminance = new float[width * height];
        for (int i = 0; i < luminance.Length; i++)
        {
            ReadOnlySpan<byte> pixel = rgba.Slice(4 * i, 4);
            float brightness = ((0.299f * pixel[0]) + (0.587f * pixel[1]) + (0.114f * pixel[2])) / 255f;
            float opacity = pixel[3] / 255f;
            luminance[i] = Math.Clamp((opacity * brightness) + (1f - opacity), 0f, 1f);
        }

        return (luminance, width, height);
    }
}
