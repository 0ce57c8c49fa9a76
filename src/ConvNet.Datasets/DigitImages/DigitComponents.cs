namespace ConvNet.Datasets.DigitImages;

/// <summary>Picks the ink components that make up the digit, leaving specks, ruled lines and edges out.</summary>
internal static class DigitComponents
{
    // Smaller than this share of the picture is a speck of dirt or noise (at least a few pixels).
    private const double SpeckShare = 0.0002;
    private const int SpeckPixels = 4;

    // A component this long (share of the picture's side along it) and thinner than LineThickness × the longer
    // side is a ruled line, a grid line or the rim of the sheet.
    private const double LineLength = 0.4;
    private const double LineThickness = 0.012;

    // The digit's main stroke spans at least this share of the picture's longer side: smaller marks are noise, a
    // blot or a crumb, and a picture with nothing larger holds no digit.
    private const double DigitShare = 0.05;

    // Other pieces of the digit (a detached bar, a stroke broken by blur) lie within this share of the main
    // component's longer side from it and carry at least PieceShare of its area.
    private const double PieceReach = 0.3;
    private const double PieceShare = 0.03;

    /// <summary>The components of the digit, largest ink first; empty when none stands out.</summary>
    /// <param name="components">The ink components of the picture.</param>
    /// <param name="width">The picture's width.</param>
    /// <param name="height">The picture's height.</param>
    /// <param name="photo">
    /// Whether the picture is a photo (shaded, noisy border) rather than a clean picture, whose digit may be cropped
    /// so tightly that it runs from edge to edge.
    /// </param>
    public static IReadOnlyList<InkComponent> Select(IReadOnlyList<InkComponent> components, int width, int height, bool photo)
    {
        int minimumArea = Math.Max(SpeckPixels, (int)(SpeckShare * width * height));
        double minimumExtent = DigitShare * Math.Max(width, height);
        // A clean picture has no ruled paper: there a thin stroke is a line only if it runs from edge to edge (a "1"
        // drawn with a one-pixel pen is a digit).
        var candidates = components
            .Where(c => c.Area >= minimumArea && !(photo ? IsLine(c, width, height) || IsBand(c, width, height) : IsLine(c, width, height) && IsBand(c, width, height)))
            .ToList();
        if (candidates.Count == 0)
        {
            return [];
        }

        // What touches the edge of the picture is usually the desk, a shadow or the edge of the sheet: the digit is
        // taken from the border only when nothing else is there (a digit cropped tightly).
        var inside = candidates.Where(c => !c.TouchesBorder).ToList();
        List<InkComponent> pool = inside.Any(c => c.Box.LongerSide >= minimumExtent) ? inside : candidates;
        InkComponent? main = pool.Where(c => c.Box.LongerSide >= minimumExtent).MaxBy(c => c.InkSum);
        if (main is null)
        {
            return [];
        }

        PixelBox reach = main.Box.Grow((int)Math.Ceiling(PieceReach * main.Box.LongerSide), width, height);
        return pool
            .Where(c => c == main || (c.Area >= PieceShare * main.Area && c.Box.Overlaps(reach)))
            .OrderByDescending(c => c.InkSum)
            .ToList();
    }

    /// <summary>
    /// Whether the component runs from one edge of the picture to the opposite one: in a photo, a band of shadow, desk
    /// or paper, not a digit (which a photographer leaves room around).
    /// </summary>
    private static bool IsBand(InkComponent component, int width, int height)
    {
        PixelBox box = component.Box;
        return (box.Left == 0 && box.Right == width - 1) || (box.Top == 0 && box.Bottom == height - 1);
    }

    private static bool IsLine(InkComponent component, int width, int height)
    {
        PixelBox box = component.Box;
        bool isLong = box.Width >= LineLength * width || box.Height >= LineLength * height;
        double thickness = (double)component.Area / box.LongerSide;
        return isLong && thickness < Math.Max(2.0, LineThickness * Math.Max(width, height));
    }
}
