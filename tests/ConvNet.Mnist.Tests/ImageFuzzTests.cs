using ConvNet.Core.Tests.Fuzzing;
using ConvNet.Datasets;
using CsCheck;
using SkiaSharp;

namespace ConvNet.Mnist.Tests;

/// <summary>
/// Mutation fuzzing of the picture reader and the digit preprocessor behind <c>predict --image</c>: damaged PNG and
/// JPEG files come back as a digit or as <see cref="InvalidDataException"/> (naming the file) or
/// <see cref="NoDigitFoundException"/> (nothing in the picture stands out as a digit), within a memory bound.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class ImageFuzzTests : IDisposable
{
    private const long MaxPixels = 2_000_000;

    private readonly string _folder = Directory.CreateTempSubdirectory("convnet-image-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(SKEncodedImageFormat.Png, "digit.png")]
    [InlineData(SKEncodedImageFormat.Jpeg, "digit.jpg")]
    public void Damaged_pictures_are_read_or_refused(SKEncodedImageFormat format, string name)
    {
        byte[] valid = DigitPicture(format);
        string path = Path.Combine(_folder, name);

        Mutations.Of(valid).Sample(
            file =>
            {
                ReaderOutcome.Check(
                    path,
                    file,
                    target =>
                    {
                        // The memory bound follows from the pixel limit the reader is given (the web app gives it the same
                        // way): a damaged header may declare any size up to it, and the decoder may then fill the picture
                        // from a few hundred bytes (a 1,203-byte JPEG declaring 7906×3634 decoded). The default limit,
                        // 50 megapixels, allows about a gigabyte; 2 megapixels about 40 MB at ~20 bytes a pixel.
                        using FileStream stream = File.OpenRead(target);
                        (float[] luminance, int width, int height) = ImageFile.ReadGrayscale(stream, target, maxPixels: MaxPixels);
                        MnistImagePreprocessor.ToMnist(luminance, width, height);
                    },
                    64_000_000,
                    typeof(InvalidDataException),
                    typeof(NoDigitFoundException));
            },
            iter: 600,
            threads: 1);
    }

    /// <summary>A dark stroke on light paper, 48×40, with noise so that the encoder keeps many rows of data.</summary>
    private static byte[] DigitPicture(SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(48, 40, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var random = new Random(3);
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                bool ink = Math.Abs(x - 20 - (y / 4)) < 4 && y is > 5 and < 35;
                byte level = (byte)(ink ? random.Next(30) : 220 + random.Next(36));
                bitmap.SetPixel(x, y, new SKColor(level, level, level));
            }
        }

        using SKData encoded = bitmap.Encode(format, 90);
        return encoded.ToArray();
    }
}
