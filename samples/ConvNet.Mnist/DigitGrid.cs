using ConvNet.Core.Serialization;
using SkiaSharp;

namespace ConvNet.Mnist;

/// <summary>One digit to show in a <see cref="DigitGrid"/>: its 28×28 pixels (ink 1) and a caption.</summary>
internal sealed record GridTile(float[] Pixels, string Caption);

/// <summary>Draws digits in a grid with a caption under each (used for the misclassified test images).</summary>
internal static class DigitGrid
{
    private const int ImageSize = 28;
    private const int Zoom = 3;
    private const int CaptionHeight = 18;
    private const int Gap = 6;
    private const int TitleHeight = 24;

    /// <summary>Writes the grid as a PNG under a title line, <paramref name="columns"/> tiles per row, white ink on black like MNIST.</summary>
    public static void Save(string path, string title, IReadOnlyList<GridTile> tiles, int columns = 10)
    {
        int tileWidth = (ImageSize * Zoom) + Gap;
        int tileHeight = (ImageSize * Zoom) + CaptionHeight + Gap;
        int rows = Math.Max(1, (tiles.Count + columns - 1) / columns);
        using var surface = SKSurface.Create(new SKImageInfo((columns * tileWidth) + Gap, TitleHeight + (rows * tileHeight) + Gap));
        SKCanvas canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var font = new SKFont(SKTypeface.FromFamilyName("DejaVu Sans"), 13);
        using var textPaint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var pixelPaint = new SKPaint();
        canvas.DrawText(title, Gap, TitleHeight - 6, font, textPaint);

        for (int index = 0; index < tiles.Count; index++)
        {
            int left = Gap + (index % columns * tileWidth);
            int top = TitleHeight + Gap + (index / columns * tileHeight);
            for (int y = 0; y < ImageSize; y++)
            {
                for (int x = 0; x < ImageSize; x++)
                {
                    byte level = (byte)Math.Clamp(tiles[index].Pixels[(y * ImageSize) + x] * 255f, 0f, 255f);
                    pixelPaint.Color = new SKColor(level, level, level);
                    canvas.DrawRect(left + (x * Zoom), top + (y * Zoom), Zoom, Zoom, pixelPaint);
                }
            }

            canvas.DrawText(tiles[index].Caption, left, top + (ImageSize * Zoom) + CaptionHeight - 4, font, textPaint);
        }

        using SKImage image = surface.Snapshot();
        using SKData png = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, png.SaveTo);
    }
}
