using System.Numerics;

namespace ConvNet.Core.Kernels;

/// <summary>
/// Thicker or thinner strokes for image augmentation: a pixel moves toward the largest (thicker) or smallest (thinner) of
/// itself and its four neighbours, by a fraction. Rows inside the plane run whole vectors.
/// </summary>
internal static class StrokeThickness
{
    /// <summary>
    /// plane [height, width] = lerp(plane, dilation, t) for t above 0, lerp(plane, erosion, −t) below; the dilation (erosion)
    /// is the largest (smallest) of each pixel and its four neighbours inside the plane. <paramref name="copy"/> is scratch
    /// space of the plane's size.
    /// </summary>
    public static void Change(Span<float> plane, Span<float> copy, int height, int width, float t)
    {
        plane.CopyTo(copy);
        bool thicken = t > 0f;
        float weight = MathF.Abs(t);
        for (int y = 0; y < height; y++)
        {
            int x = 0;
            if (y > 0 && y < height - 1 && width > 2)
            {
                // Inside the plane all four neighbours exist: whole vectors from column 1, the same operations as a pixel's
                // below (for an image's finite values the maximum or minimum of the five is the same in any order; then a
                // multiply and an add, not fused).
                ChangePixel(plane, copy, y, 0, height, width, thicken, weight);
                var weights = new Vector<float>(weight);
                for (x = 1; x <= width - 1 - Vector<float>.Count; x += Vector<float>.Count)
                {
                    int index = (y * width) + x;
                    var value = new Vector<float>(copy[index..]);
                    Vector<float> left = new(copy[(index - 1)..]), right = new(copy[(index + 1)..]);
                    Vector<float> up = new(copy[(index - width)..]), down = new(copy[(index + width)..]);
                    Vector<float> extreme = thicken
                        ? Vector.Max(Vector.Max(Vector.Max(Vector.Max(value, left), right), up), down)
                        : Vector.Min(Vector.Min(Vector.Min(Vector.Min(value, left), right), up), down);
                    (value + (weights * (extreme - value))).CopyTo(plane[index..]);
                }
            }

            for (; x < width; x++)
            {
                ChangePixel(plane, copy, y, x, height, width, thicken, weight);
            }
        }
    }

    private static void ChangePixel(Span<float> plane, ReadOnlySpan<float> copy, int y, int x, int height, int width, bool thicken, float weight)
    {
        int index = (y * width) + x;
        float value = copy[index];
        float extreme = value;
        extreme = Pick(extreme, x > 0 ? copy[index - 1] : value, thicken);
        extreme = Pick(extreme, x < width - 1 ? copy[index + 1] : value, thicken);
        extreme = Pick(extreme, y > 0 ? copy[index - width] : value, thicken);
        extreme = Pick(extreme, y < height - 1 ? copy[index + width] : value, thicken);
        plane[index] = value + (weight * (extreme - value));

        static float Pick(float current, float candidate, bool largest) => largest ? MathF.Max(current, candidate) : MathF.Min(current, candidate);
    }
}
