namespace ConvNet.Datasets.DigitImages;

/// <summary>Decides whether the ink is darker or lighter than the paper, from the picture's statistics.</summary>
internal static class InkPolarity
{
    // A border most of whose pixels lie this close to its median is plain background, as in a clean picture made on a
    // computer (the rest is ink running off the edge): then its colour is the background's. A photo's border drifts
    // with the light by more than this. On the generated sets (tools/photo-digits, 3,200 clean and 2,100 photo-like
    // pictures) at least 78 % of every clean picture's border lies within 0.01 of its median (74 % within 1/255). With
    // 0.03, 23 quiet photos with a vignette passed for clean pictures, their dimmer border taken for the background's
    // colour and the ink's side read wrong (no digit found); at most 35 % of their borders lie within 0.01.
    private const float UniformBorderTolerance = 0.01f;
    private const double UniformBorderShare = 0.6;

    /// <summary>True when the ink is darker than the paper.</summary>
    /// <param name="luminance">The picture's brightness in [0, 1].</param>
    /// <param name="window">The side of the neighbourhood the local contrast is measured in (wider than a stroke).</param>
    public static bool IsDarkInk(GrayImage luminance, int window)
    {
        if (UniformBorder(luminance) is { } border)
        {
            return border >= luminance.Pixels.Average();
        }

        // Ink is the minority in every neighbourhood: strokes lie far from their local mean on one side, while the
        // paper around them lies a little off it on the other. Lighting slopes, the edge of a sheet and noise are
        // (nearly) symmetric, so the sign of the third moment of the local contrast tells the ink's side.
        GrayImage localMean = BoxMean.Compute(luminance, window);
        double thirdMoment = 0;
        for (int i = 0; i < luminance.Pixels.Length; i++)
        {
            double contrast = luminance.Pixels[i] - localMean.Pixels[i];
            thirdMoment += contrast * contrast * contrast;
        }

        return thirdMoment <= 0;
    }

    /// <summary>
    /// The border's median brightness if most border pixels lie close to it, as in a clean picture made on a
    /// computer; otherwise (a photo: shading, noise, the desk) null.
    /// </summary>
    public static float? UniformBorder(GrayImage image)
    {
        var border = new List<float>((2 * image.Width) + (2 * image.Height));
        for (int x = 0; x < image.Width; x++)
        {
            border.Add(image[x, 0]);
            border.Add(image[x, image.Height - 1]);
        }

        for (int y = 1; y < image.Height - 1; y++)
        {
            border.Add(image[0, y]);
            border.Add(image[image.Width - 1, y]);
        }

        border.Sort();
        float median = border[border.Count / 2];
        int close = border.Count(value => Math.Abs(value - median) <= UniformBorderTolerance);
        return close >= UniformBorderShare * border.Count ? median : null;
    }
}
