namespace ConvNet.Core.Kernels;

/// <summary>
/// Where a sliding window (a convolution filter or a pooling window) lands on one image: the image's channels and
/// size, the window's size, the step between windows and the zero border added on every side.
/// </summary>
/// <remarks>Output sizes round down like the seed: windows that would overhang the (padded) image are dropped.</remarks>
internal readonly record struct WindowGeometry(
    int Channels, int Height, int Width, int WindowHeight, int WindowWidth, int Stride, int Padding)
{
    /// <summary>The number of window positions down the image.</summary>
    public int OutputHeight => ((Height + (2 * Padding) - WindowHeight) / Stride) + 1;

    /// <summary>The number of window positions across the image.</summary>
    public int OutputWidth => ((Width + (2 * Padding) - WindowWidth) / Stride) + 1;

    /// <summary>Window positions per image: the number of columns of the unrolled patch matrix.</summary>
    public int OutputPositions => OutputHeight * OutputWidth;

    /// <summary>Elements under one window across all channels: the number of rows of the unrolled patch matrix.</summary>
    public int PatchSize => Channels * WindowHeight * WindowWidth;

    /// <summary>Elements of one image.</summary>
    public int ImageSize => Channels * Height * Width;
}
