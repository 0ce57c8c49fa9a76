using SkiaSharp;

namespace ConvNet.Web;

/// <summary>Digits drawn the way the page draws them (black strokes on a white 280×280 canvas), encoded as PNG.</summary>
internal static class DigitDrawing
{
    /// <summary>The side of the page's canvas in pixels.</summary>
    public const int CanvasSize = 280;

    /// <summary>The page's pen width in canvas pixels.</summary>
    public const float PenWidth = 22;

    /// <summary>A 7: a bar across the top and a stroke down to the lower left.</summary>
    public static byte[] Seven() => Draw([new(70, 60), new(210, 60), new(120, 230)]);

    /// <summary>A polyline through <paramref name="points"/> (canvas pixels), drawn with the page's pen, as PNG bytes.</summary>
    public static byte[] Draw(IReadOnlyList<SKPoint> points)
    {
        using var surface = SKSurface.Create(new SKImageInfo(CanvasSize, CanvasSize));
        surface.Canvas.Clear(SKColors.White);
        using var pen = new SKPaint
        {
            Color = SKColors.Black,
            StrokeWidth = PenWidth,
            StrokeCap = SKStrokeCap.Round,
            StrokeJoin = SKStrokeJoin.Round,
            Style = SKPaintStyle.Stroke,
            IsAntialias = true,
        };
        using var path = new SKPath();
        path.AddPoly([.. points], close: false);
        surface.Canvas.DrawPath(path, pen);
        using SKImage image = surface.Snapshot();
        using SKData png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }
}
