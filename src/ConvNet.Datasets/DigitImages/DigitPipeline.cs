namespace ConvNet.Datasets.DigitImages;

/// <summary>What each stage of <see cref="DigitPipeline.Run"/> produced.</summary>
/// <param name="Working">The picture's brightness at the working size.</param>
/// <param name="DarkInk">Whether the ink was found darker than the paper.</param>
/// <param name="Background">The paper's estimated brightness (ink as dark as the working picture's paper).</param>
/// <param name="Ink">Each pixel's ink strength against the paper, in [0, 1].</param>
/// <param name="Threshold">The ink strength above which a pixel counted as ink.</param>
/// <param name="Labels">The label of every ink pixel's component (0 for paper).</param>
/// <param name="Components">Every ink component found.</param>
/// <param name="Digit">The components taken as the digit (empty: none found).</param>
/// <param name="Crop">The digit's ink cut out, strongest strokes 1 (null: no digit).</param>
/// <param name="Slant">The slant dx/dy that deskewing took out.</param>
/// <param name="Deskewed">The crop after deskewing, cut to its ink (null: no digit).</param>
internal sealed record DigitPipelineResult(
    GrayImage Working,
    bool DarkInk,
    GrayImage Background,
    GrayImage Ink,
    float Threshold,
    int[] Labels,
    IReadOnlyList<InkComponent> Components,
    IReadOnlyList<InkComponent> Digit,
    GrayImage? Crop,
    double Slant,
    GrayImage? Deskewed);

/// <summary>
/// Finds the digit in a picture the way document-scanning code does: shrink to a working size, tell the ink's side,
/// divide out the uneven paper, threshold, keep the components that form the digit, cut it out and deskew it.
/// </summary>
internal static class DigitPipeline
{
    /// <summary>Larger pictures are shrunk (area-averaged) to this longer side first: a digit 15 % of it tall keeps ~75 pixels.</summary>
    public const int WorkingSize = 512;

    // The background window is this share of the longer side: wider than any stroke (so that strokes are filled in),
    // narrow enough to follow shadows.
    private const double BackgroundWindowShare = 0.25;

    // Pictures with a uniform border, and small ones (icons, MNIST-like crops), are clean: drawn on a plain background.
    private const int SmallPicture = 64;

    // Pixels within this share of the longer side of a digit component still belong to it: the soft edges of strokes
    // and the crossings of ruled lines that thresholding cut out.
    private const double EdgeShare = 0.008;

    public static DigitPipelineResult Run(GrayImage luminance)
    {
        GrayImage working = ToWorkingSize(luminance);
        int longerSide = Math.Max(working.Width, working.Height);
        GrayImage smoothed = longerSide >= 2 * SmallPicture ? BoxMean.Compute(working, 3) : working;
        bool photo = longerSide >= SmallPicture && InkPolarity.UniformBorder(smoothed) is null;
        int window = photo ? Math.Max(3, (int)Math.Round(BackgroundWindowShare * longerSide)) : 2 * longerSide;

        bool darkInk = InkPolarity.IsDarkInk(smoothed, window);
        GrayImage darkOnLight = darkInk ? smoothed : Invert(smoothed);
        (GrayImage background, GrayImage ink) = BackgroundRemoval.Remove(darkOnLight, photo ? window : null);
        float threshold = InkThreshold.Choose(ink);
        (int[] labels, IReadOnlyList<InkComponent> components) = ConnectedComponents.Find(ink, threshold);
        IReadOnlyList<InkComponent> digit = DigitComponents.Select(components, working.Width, working.Height, photo);
        if (digit.Count == 0)
        {
            return new DigitPipelineResult(working, darkInk, background, ink, threshold, labels, components, digit, null, 0, null);
        }

        GrayImage crop = CutOut(ink, labels, digit, threshold, longerSide);
        (double slant, GrayImage upright) = Deskew.Straighten(crop);
        GrayImage deskewed = upright.Crop(MnistLayout.InkBounds(upright) ?? new PixelBox(0, 0, upright.Width - 1, upright.Height - 1));
        return new DigitPipelineResult(working, darkInk, background, ink, threshold, labels, components, digit, crop, slant, deskewed);
    }

    private static GrayImage ToWorkingSize(GrayImage luminance)
    {
        int longerSide = Math.Max(luminance.Width, luminance.Height);
        if (longerSide <= WorkingSize)
        {
            return luminance;
        }

        double scale = (double)WorkingSize / longerSide;
        return AreaResize.Resize(
            luminance, Math.Max(1, (int)Math.Round(luminance.Width * scale)), Math.Max(1, (int)Math.Round(luminance.Height * scale)));
    }

    private static GrayImage Invert(GrayImage image)
    {
        var inverted = new GrayImage(image.Width, image.Height);
        for (int i = 0; i < inverted.Pixels.Length; i++)
        {
            inverted.Pixels[i] = 1f - image.Pixels[i];
        }

        return inverted;
    }

    /// <summary>
    /// The digit's ink (strongest strokes 1, paper 0) inside its box, with everything that is not near one of its components
    /// (lines, specks, the desk) set to 0.
    /// </summary>
    private static GrayImage CutOut(GrayImage ink, int[] labels, IReadOnlyList<InkComponent> digit, float threshold, int longerSide)
    {
        var isDigit = new HashSet<int>(digit.Select(c => c.Label));
        var mask = new GrayImage(ink.Width, ink.Height);
        var strengths = new List<float>();
        for (int i = 0; i < labels.Length; i++)
        {
            if (isDigit.Contains(labels[i]))
            {
                mask.Pixels[i] = 1f;
                strengths.Add(ink.Pixels[i]);
            }
        }

        int edge = Math.Max(1, (int)Math.Round(EdgeShare * longerSide));
        GrayImage near = RankFilters.Maximum(mask, (2 * edge) + 1);
        PixelBox box = digit.Select(c => c.Box).Aggregate((a, b) => a.Union(b)).Grow(edge, ink.Width, ink.Height);

        // MNIST's strokes are solid and its paper exactly 0: the strongest tenth of the digit's pixels become full
        // ink, and half the threshold (the paper's noise around the strokes) becomes 0.
        float reference = Math.Max(threshold, Statistics.Quantile(strengths.ToArray(), 0.9));
        float paper = threshold / 2;
        GrayImage crop = ink.Crop(box);
        for (int y = 0; y < box.Height; y++)
        {
            for (int x = 0; x < box.Width; x++)
            {
                float value = near[box.Left + x, box.Top + y] > 0f ? Math.Clamp((crop[x, y] - paper) / (reference - paper), 0f, 1f) : 0f;
                crop[x, y] = value;
            }
        }

        return crop;
    }
}
