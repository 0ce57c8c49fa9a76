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

    private static void Save(SKSurface surface, string path, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using SKImage snapshot = surface.Snapshot();
        using SKData encoded = snapshot.Encode(format, 95);
        File.WriteAllBytes(path, encoded.ToArray());
    }
}
