using System.Text;

namespace ConvNet.Mnist;

/// <summary>Draws a grayscale image (ink 1, background 0) as text, two characters per pixel so it keeps its shape.</summary>
internal static class TextArt
{
    private const string Shades = " .:-=+*#%@";

    /// <summary>One line per image row; the darkest shade is a space, full ink is '@'.</summary>
    public static IReadOnlyList<string> Render(ReadOnlySpan<float> pixels, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        var lines = new List<string>(pixels.Length / width);
        var line = new StringBuilder(width * 2);
        for (int row = 0; row < pixels.Length / width; row++)
        {
            line.Clear();
            foreach (float value in pixels.Slice(row * width, width))
            {
                int shade = (int)MathF.Round(Math.Clamp(value, 0f, 1f) * (Shades.Length - 1));
                line.Append(Shades[shade], 2);
            }

            lines.Add(line.ToString());
        }

        return lines;
    }
}
