namespace ConvNet.Datasets.DigitImages;

/// <summary>
/// Estimates the paper's brightness under the picture's uneven light and measures each pixel's ink against it, as
/// document scanners do: a photo's paper is shaded, the ink is a thin dark feature on it.
/// </summary>
internal static class BackgroundRemoval
{
    // Where the paper is darker than this share of its bright parts (a shadow, a dark desk), contrast is measured
    // against this floor instead: dividing by a very dark background would turn the noise there into ink.
    private const float DarkBackgroundFloor = 0.4f;

    /// <summary>The paper's estimated brightness and each pixel's ink strength.</summary>
    /// <param name="luminance">Brightness in [0, 1] with dark ink (invert light-on-dark pictures first).</param>
    /// <param name="window">
    /// Wider than the thickest stroke: features narrower than this are ink, wider ones paper. Null for a clean
    /// picture's plain background: one brightness, the picture's brightest.
    /// </param>
    /// <returns>
    /// <c>Background</c>: the closing of the picture (strokes filled in with the paper around them, lighting and sheet
    /// edges kept); <c>Ink</c>: (background − brightness) / background in [0, 1], 0 on the paper whatever its light.
    /// </returns>
    public static (GrayImage Background, GrayImage Ink) Remove(GrayImage luminance, int? window)
    {
        GrayImage background = window is { } side ? RankFilters.Closing(luminance, side) : PlainBackground(luminance);
        float floor = Math.Max(0.05f, DarkBackgroundFloor * Statistics.Quantile(background.Pixels, 0.95));
        var ink = new GrayImage(luminance.Width, luminance.Height);
        for (int i = 0; i < ink.Pixels.Length; i++)
        {
            float paper = background.Pixels[i];
            ink.Pixels[i] = Math.Clamp((paper - luminance.Pixels[i]) / Math.Max(paper, floor), 0f, 1f);
        }

        return (background, ink);
    }

    /// <summary>The brightest pixel's brightness everywhere (for clean pictures, whose bold ink may reach their corners).</summary>
    private static GrayImage PlainBackground(GrayImage luminance)
    {
        var background = new GrayImage(luminance.Width, luminance.Height);
        Array.Fill(background.Pixels, luminance.Pixels.Max());
        return background;
    }
}
