using ConvNet.Core.Data;
using ConvNet.Core.Tensors;
using ConvNet.Datasets;
using ConvNet.Mnist;
using SkiaSharp;

namespace ConvNet.Mnist.Tests;

public sealed class ImageFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("convnet-image-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("one.png", SKEncodedImageFormat.Png)]
    [InlineData("one.jpg", SKEncodedImageFormat.Jpeg)]
    public void ReadGrayscale_DigitDrawnOnWhitePaper_PreprocessesToCentredMnistImage(string fileName, SKEncodedImageFormat format)
    {
        // A "1" drawn as a thick black stroke near the left edge of a white 200×150 picture.
        string path = Path.Combine(_folder, fileName);
        using (var surface = SKSurface.Create(new SKImageInfo(200, 150)))
        {
            surface.Canvas.Clear(SKColors.White);
            using var paint = new SKPaint { Color = SKColors.Black, StrokeWidth = 12, IsAntialias = true };
            surface.Canvas.DrawLine(30, 20, 40, 130, paint);
            Save(surface, path, format);
        }

        (float[] luminance, int width, int height) = ImageFile.ReadGrayscale(path);
        FloatTensor image = MnistImagePreprocessor.ToMnist(luminance, width, height);

        (width, height).Should().Be((200, 150));
        luminance[0].Should().BeApproximately(1f, 0.02f, "the paper is white (JPEG may shift it slightly)");
        image.Shape.Should().Be(new TensorShape(1, 1, 28, 28));
        image[0, 0, 14, 14].Should().BeGreaterThan(0.5f, "the stroke passes through the centre");
        image[0, 0, 14, 3].Should().Be(0f);
        image[0, 0, 14, 24].Should().Be(0f);
    }

    [Fact]
    public void ReadGrayscale_TransparentBackground_CountsAsWhitePaper()
    {
        string path = Path.Combine(_folder, "transparent.png");
        using (var surface = SKSurface.Create(new SKImageInfo(20, 20, SKColorType.Rgba8888, SKAlphaType.Unpremul)))
        {
            surface.Canvas.Clear(SKColors.Transparent);
            using var paint = new SKPaint { Color = SKColors.Black };
            surface.Canvas.DrawRect(5, 5, 4, 10, paint);
            Save(surface, path);
        }

        (float[] luminance, _, _) = ImageFile.ReadGrayscale(path);

        luminance[0].Should().Be(1f);
        luminance[(6 * 20) + 6].Should().Be(0f);
    }

    [Fact]
    public void ReadGrayscale_NotAnImage_ThrowsInvalidDataNamingTheFile()
    {
        string path = Path.Combine(_folder, "notes.png");
        File.WriteAllText(path, "not a picture");

        Action read = () => ImageFile.ReadGrayscale(path);

        read.Should().Throw<InvalidDataException>().WithMessage("*notes.png*");
    }

    [Fact]
    public void ReadGrayscale_TruncatedPng_IsRefusedInsteadOfFilledIn()
    {
        // Noise does not compress, so half the file holds only part of the rows.
        string path = Path.Combine(_folder, "half.png");
        File.WriteAllBytes(path, NoisePng(64, 64)[..^400]);

        Action read = () => ImageFile.ReadGrayscale(path);

        read.Should().Throw<InvalidDataException>().WithMessage($"'{path}' is truncated or damaged*");
    }

    [Fact]
    public void ReadGrayscale_TinyFileDeclaringHugePicture_IsRefusedBeforeDecoding()
    {
        // A valid small PNG whose header is rewritten to declare 20000×20000 pixels (400 megapixels).
        byte[] png = NoisePng(8, 8);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 20_000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 20_000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32(png.AsSpan(12, 17)));
        string path = Path.Combine(_folder, "bomb.png");
        File.WriteAllBytes(path, png);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        Action read = () => ImageFile.ReadGrayscale(path);

        read.Should().Throw<InvalidDataException>().WithMessage($"'{path}' declares 20000×20000 pixels; pictures of at most 50,000,000 pixels*");
        (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore).Should().BeLessThan(1_000_000);
    }

    [Fact]
    public void ReadGrayscale_NamedPipe_IsRefusedInsteadOfWaitingForAWriter()
    {
        string path = Path.Combine(_folder, "pipe.png");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]))
        {
            mkfifo.WaitForExit();
        }

        Action read = () => ImageFile.ReadGrayscale(path);

        read.Should().Throw<InvalidDataException>().WithMessage($"'{path}'*not a regular file*");
    }

    /// <summary>An opaque PNG of random grey pixels.</summary>
    internal static byte[] NoisePng(int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var random = new Random(width);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                byte level = (byte)random.Next(256);
                bitmap.SetPixel(x, y, new SKColor(level, level, level));
            }
        }

        using SKData encoded = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return encoded.ToArray();
    }

    /// <summary>The CRC-32 a PNG chunk ends with (over its type and data).</summary>
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte value in bytes)
        {
            crc ^= value;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static void Save(SKSurface surface, string path, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using SKImage snapshot = surface.Snapshot();
        using SKData encoded = snapshot.Encode(format, 95);
        File.WriteAllBytes(path, encoded.ToArray());
    }
}
