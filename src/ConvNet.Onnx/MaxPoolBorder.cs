using ConvNet.Core.Kernels;

namespace ConvNet.Onnx;

/// <summary>
/// How a zero-padded max pool is written in ONNX. ConvNet pads pooling with zeros that take part in the window (the
/// seed's im2col), but MaxPool's own pads are −∞; so a window that overlaps the border must also see a 0. The export
/// writes MaxPool with its pads, then Max with a constant [1, 1, outH, outW] mask: 0 where the window overlaps the
/// border, −∞ elsewhere (where Max changes nothing). A Pad by zeros before an unpadded MaxPool says the same, but ONNX
/// Runtime's graph optimizer folds such a Pad into MaxPool's −∞ pads and silently computes another function.
/// </summary>
internal static class MaxPoolBorder
{
    /// <summary>The mask for windows of <paramref name="geometry"/>, [outH · outW] in row-major order.</summary>
    public static float[] Mask(WindowGeometry geometry)
    {
        var mask = new float[geometry.OutputPositions];
        for (int y = 0; y < geometry.OutputHeight; y++)
        {
            for (int x = 0; x < geometry.OutputWidth; x++)
            {
                mask[(y * geometry.OutputWidth) + x] = Overlaps(y, geometry.Height, geometry.WindowHeight, geometry)
                    || Overlaps(x, geometry.Width, geometry.WindowWidth, geometry) ? 0f : float.NegativeInfinity;
            }
        }

        return mask;
    }

    // Window number `position` covers padded rows (or columns) position·stride .. + window − 1; the image's own are
    // padding .. padding + size − 1.
    private static bool Overlaps(int position, int size, int window, WindowGeometry geometry)
    {
        int first = position * geometry.Stride;
        return first < geometry.Padding || first + window > geometry.Padding + size;
    }
}
