using ConvNet.Core.Serialization;
using ConvNet.Core.Tensors;
using ConvNet.Datasets;
using SkiaSharp;

namespace ConvNet.Mnist;

/// <summary>Draws the stages of <see cref="MnistImagePreprocessor"/> side by side with a caption under each.</summary>
internal static class StepsStrip
{
    private const int PanelHeight = 168;
    private const int CaptionHeight = 20;
    private const int Gap = 8;

    /// <summary>
    /// Writes the strip as a PNG: input, background-corrected, ink mask, crop, deskewed, the 28×28 result (the first
    /// three only when no digit was found: the mask then shows what was left out).
    /// </summary>
    public static void Save(string path, MnistPreprocessingSteps steps, string? title = null)
    {
        var panels = new List<(FloatTensor Picture, string Caption)>
        {
            (steps.Input, "input"),
            (steps.BackgroundCorrected, steps.DarkInk ? "paper divided out" : "inverted, paper divided out"),
            (steps.InkMask, steps.DigitFound ? "ink (digit white, rest grey)" : "ink (none taken as a digit)"),
        };
        if (steps.DigitFound)
        {
            panels.Add((steps.Crop, "crop"));
            panels.Add((steps.Deskewed, $"deskewed (slant {steps.Slant:0.00})"));
            panels.Add((steps.Result.Reshape(MnistImagePreprocessor.ImageSize, MnistImagePreprocessor.ImageSize), "28×28"));
        }

        using var font = new SKFont(SKTypeface.FromFamilyName("DejaVu Sans"), 12);
        using var textPaint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        // Each panel keeps its picture's aspect ratio at a common height, and is at least as wide as its caption.
        int[] widths = panels.Select(p => Math.Max(
            (int)Math.Ceiling(font.MeasureText(p.Caption)),
            (int)Math.Round((double)p.Picture.Shape[1] * PanelHeight / p.Picture.Shape[0]))).ToArray();
        int titleHeight = title is null ? 0 : CaptionHeight;
        using var surface = SKSurface.Create(new SKImageInfo(widths.Sum() + (Gap * (panels.Count + 1)), titleHeight + PanelHeight + CaptionHeight + (2 * Gap)));
        SKCanvas canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        if (title is not null)
        {
            canvas.DrawText(title, Gap, CaptionHeight - 5, font, textPaint);
        }

        int left = Gap;
        for (int index = 0; index < panels.Count; index++)
        {
            using SKBitmap bitmap = ToBitmap(panels[index].Picture);
            float pictureWidth = (float)panels[index].Picture.Shape[1] * PanelHeight / panels[index].Picture.Shape[0];
            var target = new SKRect(left, titleHeight + Gap, left + pictureWidth, titleHeight + Gap + PanelHeight);
            // Small panels (the crop, 28×28) are enlarged with visible pixels, large ones smoothly.
            var sampling = bitmap.Height < PanelHeight ? new SKSamplingOptions(SKFilterMode.Nearest) : new SKSamplingOptions(SKFilterMode.Linear);
            using SKImage image = SKImage.FromBitmap(bitmap);
            canvas.DrawImage(image, target, sampling);
            canvas.DrawText(panels[index].Caption, left, titleHeight + Gap + PanelHeight + CaptionHeight - 5, font, textPaint);
            left += widths[index] + Gap;
        }

        using SKImage strip = surface.Snapshot();
        using SKData png = strip.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, png.SaveTo);
    }

    /// <summary>A [height, width] picture in [0, 1] as grey pixels (1 white).</summary>
    private static SKBitmap ToBitmap(FloatTensor picture)
    {
        int height = picture.Shape[0], width = picture.Shape[1];
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        ReadOnlySpan<float> values = picture.ReadOnlySpan;
        Span<byte> pixels = bitmap.GetPixelSpan();
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                pixels[(y * bitmap.RowBytes) + x] = (byte)Math.Clamp(MathF.Round(values[(y * width) + x] * 255f), 0f, 255f);
            }
        }

        return bitmap;
    }
}
