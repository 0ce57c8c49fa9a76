using SkiaSharp;

namespace ConvNet.Datasets.Tests.Images;

/// <summary>
/// Writes a small image-folder dataset of coloured shapes: one folder per shape (circle, square, triangle), each
/// picture a shape of random size, position and turn on a random pale background with specks, anti-aliased, mostly
/// PNG with every fifth picture a JPEG. Each class has its own range of hues (reds, greens, blues, ±40°) and random
/// saturation and brightness, so a few hundred pictures suffice: with hues drawn from one range for every class a
/// network needs about a thousand pictures per class to tell the shapes apart (97 % after 5 epochs).
/// </summary>
internal static class SyntheticShapes
{
    public static readonly string[] ClassNames = ["circle", "square", "triangle"];

    /// <summary>Writes <paramref name="perClass"/> pictures of <paramref name="size"/> × <paramref name="size"/> per class under <paramref name="root"/>.</summary>
    public static void Write(string root, int perClass, int size = 32, int seed = 1)
    {
        var random = new Random(seed);
        for (int label = 0; label < ClassNames.Length; label++)
        {
            string folder = Directory.CreateDirectory(Path.Combine(root, ClassNames[label])).FullName;
            for (int index = 0; index < perClass; index++)
            {
                bool jpeg = index % 5 == 4;
                using SKBitmap picture = Draw(label, size, random);
                using SKData encoded = picture.Encode(jpeg ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png, 95);
                File.WriteAllBytes(Path.Combine(folder, $"{ClassNames[label]}-{index:D4}.{(jpeg ? "jpg" : "png")}"), encoded.ToArray());
            }
        }
    }

    /// <summary>A picture of shape <paramref name="label"/> (0 circle, 1 square, 2 triangle).</summary>
    public static SKBitmap Draw(int label, int size, Random random)
    {
        var bitmap = new SKBitmap(size, size, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(Hsv(random.NextSingle() * 360f, random.NextSingle() * 0.3f, 0.75f + (random.NextSingle() * 0.25f)));
        using var noise = new SKPaint { IsAntialias = false };
        for (int speck = 0; speck < size * size / 32; speck++)
        {
            noise.Color = Hsv(random.NextSingle() * 360f, 0.3f, random.NextSingle());
            canvas.DrawPoint(random.Next(size), random.Next(size), noise);
        }

        float radius = size * (0.22f + (random.NextSingle() * 0.13f));
        float centreX = radius + (random.NextSingle() * (size - (2 * radius)));
        float centreY = radius + (random.NextSingle() * (size - (2 * radius)));
        float hue = ((label * 120f) + ((random.NextSingle() * 80f) - 40f) + 360f) % 360f;
        using var paint = new SKPaint { IsAntialias = true, Color = Hsv(hue, 0.6f + (random.NextSingle() * 0.4f), 0.3f + (random.NextSingle() * 0.6f)) };
        canvas.Translate(centreX, centreY);
        canvas.RotateDegrees(random.NextSingle() * 360f);
        switch (label)
        {
            case 0:
                canvas.DrawCircle(0, 0, radius, paint);
                break;
            case 1:
                float half = radius * 0.8f;
                canvas.DrawRect(-half, -half, 2 * half, 2 * half, paint);
                break;
            default:
                using (var path = new SKPath())
                {
                    for (int corner = 0; corner < 3; corner++)
                    {
                        double angle = (corner * 2 * Math.PI / 3) - (Math.PI / 2);
                        var point = new SKPoint(radius * (float)Math.Cos(angle), radius * (float)Math.Sin(angle));
                        if (corner == 0)
                        {
                            path.MoveTo(point);
                        }
                        else
                        {
                            path.LineTo(point);
                        }
                    }

                    path.Close();
                    canvas.DrawPath(path, paint);
                }

                break;
        }

        canvas.Flush();
        return bitmap;
    }

    private static SKColor Hsv(float hue, float saturation, float value) => SKColor.FromHsv(hue, saturation * 100f, value * 100f);
}
