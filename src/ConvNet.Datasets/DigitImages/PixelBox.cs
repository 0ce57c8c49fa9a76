namespace ConvNet.Datasets.DigitImages;

/// <summary>An axis-aligned rectangle of pixels: columns <c>Left..Right</c> and rows <c>Top..Bottom</c>, inclusive.</summary>
internal readonly record struct PixelBox(int Left, int Top, int Right, int Bottom)
{
    public int Width => Right - Left + 1;

    public int Height => Bottom - Top + 1;

    public int LongerSide => Math.Max(Width, Height);

    public PixelBox Union(PixelBox other) =>
        new(Math.Min(Left, other.Left), Math.Min(Top, other.Top), Math.Max(Right, other.Right), Math.Max(Bottom, other.Bottom));

    /// <summary>This box grown by <paramref name="margin"/> on every side, clipped to a <paramref name="width"/> × <paramref name="height"/> picture.</summary>
    public PixelBox Grow(int margin, int width, int height) =>
        new(Math.Max(0, Left - margin), Math.Max(0, Top - margin), Math.Min(width - 1, Right + margin), Math.Min(height - 1, Bottom + margin));

    public bool Overlaps(PixelBox other) =>
        Left <= other.Right && other.Left <= Right && Top <= other.Bottom && other.Top <= Bottom;
}
