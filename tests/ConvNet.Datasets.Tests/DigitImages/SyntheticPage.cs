using ConvNet.Datasets.DigitImages;

namespace ConvNet.Datasets.Tests.DigitImages;

/// <summary>Draws test pictures with known content: paper, lighting, ruled lines and thick pen strokes.</summary>
internal static class SyntheticPage
{
    public static GrayImage Plain(int width, int height, float paper)
    {
        var page = new GrayImage(width, height);
        Array.Fill(page.Pixels, paper);
        return page;
    }

    /// <summary>Paper lit from the left: <paramref name="left"/> at x = 0 falling linearly to <paramref name="right"/>.</summary>
    public static GrayImage Gradient(int width, int height, float left, float right)
    {
        var page = new GrayImage(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                page[x, y] = left + ((right - left) * x / (width - 1));
            }
        }

        return page;
    }

    /// <summary>Multiplies the brightness of every pixel with x below <paramref name="edge"/> by <paramref name="factor"/> (a desk or a shadow).</summary>
    public static void Darken(GrayImage page, int edge, float factor)
    {
        for (int y = 0; y < page.Height; y++)
        {
            for (int x = 0; x < edge; x++)
            {
                page[x, y] *= factor;
            }
        }
    }

    /// <summary>Horizontal lines every <paramref name="spacing"/> rows, one pixel thick, <paramref name="darkening"/> darker than the paper.</summary>
    public static void RuleLines(GrayImage page, int spacing, float darkening)
    {
        for (int y = spacing / 2; y < page.Height; y += spacing)
        {
            for (int x = 0; x < page.Width; x++)
            {
                page[x, y] *= 1f - darkening;
            }
        }
    }

    /// <summary>A pen stroke from (x0, y0) to (x1, y1): every pixel within <paramref name="radius"/> of the segment gets <paramref name="ink"/>.</summary>
    public static void Stroke(GrayImage page, double x0, double y0, double x1, double y1, double radius, float ink)
    {
        for (int y = 0; y < page.Height; y++)
        {
            for (int x = 0; x < page.Width; x++)
            {
                double dx = x1 - x0, dy = y1 - y0;
                double t = Math.Clamp((((x - x0) * dx) + ((y - y0) * dy)) / ((dx * dx) + (dy * dy)), 0, 1);
                double distance = Math.Sqrt(Math.Pow(x - x0 - (t * dx), 2) + Math.Pow(y - y0 - (t * dy), 2));
                if (distance <= radius)
                {
                    page[x, y] = ink;
                }
            }
        }
    }

    /// <summary>A "7" in a box of <paramref name="size"/> at (<paramref name="left"/>, <paramref name="top"/>): a bar and a diagonal.</summary>
    public static void Seven(GrayImage page, int left, int top, int size, float ink)
    {
        double radius = size / 16.0;
        Stroke(page, left + (0.15 * size), top + (0.1 * size), left + (0.75 * size), top + (0.1 * size), radius, ink);
        Stroke(page, left + (0.75 * size), top + (0.1 * size), left + (0.4 * size), top + (0.95 * size), radius, ink);
    }

    /// <summary>Gaussian sensor noise of deviation <paramref name="deviation"/>, clamped to [0, 1], from a fixed seed.</summary>
    public static void AddNoise(GrayImage page, float deviation, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < page.Pixels.Length; i++)
        {
            double gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            page.Pixels[i] = Math.Clamp(page.Pixels[i] + (float)(deviation * gaussian), 0f, 1f);
        }
    }

    /// <summary>A random picture in [0, 1] from a fixed seed.</summary>
    public static GrayImage Random(int width, int height, int seed)
    {
        var random = new Random(seed);
        var page = new GrayImage(width, height);
        for (int i = 0; i < page.Pixels.Length; i++)
        {
            page.Pixels[i] = random.NextSingle();
        }

        return page;
    }
}
