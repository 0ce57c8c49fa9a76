using ConvNet.Core.Kernels;

namespace ConvNet.Core.Tests.Kernels;

/// <summary>Stroke thickness against its definition written pixel by pixel: bit for bit on planes of several shapes.</summary>
public sealed class StrokeThicknessTests
{
    [Theory]
    [InlineData(28, 28)]
    [InlineData(32, 17)]
    [InlineData(5, 4)]
    [InlineData(3, 3)]
    [InlineData(1, 9)]
    public void Every_pixel_equals_the_definition_bit_for_bit(int height, int width)
    {
        var random = new Random((height * 100) + width);
        foreach (float t in new[] { 0.8f, 0.35f, -0.5f, -1f })
        {
            float[] plane = [.. Enumerable.Range(0, height * width).Select(_ => random.Next(3) == 0 ? 0f : random.NextSingle())];
            float[] expected = Definition(plane, height, width, t);

            StrokeThickness.Change(plane, new float[plane.Length], height, width, t);

            plane.Select(BitConverter.SingleToInt32Bits).Should().Equal(expected.Select(BitConverter.SingleToInt32Bits), $"{height}×{width}, t {t}");
        }
    }

    /// <summary>Each pixel moved by |t| toward the largest (t above 0) or smallest of itself and its neighbours inside the plane.</summary>
    private static float[] Definition(float[] plane, int height, int width, float t)
    {
        float[] result = new float[plane.Length];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                float value = plane[(y * width) + x];
                float extreme = value;
                foreach ((int dy, int dx) in new[] { (0, -1), (0, 1), (-1, 0), (1, 0) })
                {
                    if (y + dy >= 0 && y + dy < height && x + dx >= 0 && x + dx < width)
                    {
                        float neighbour = plane[((y + dy) * width) + x + dx];
                        extreme = t > 0f ? MathF.Max(extreme, neighbour) : MathF.Min(extreme, neighbour);
                    }
                }

                result[(y * width) + x] = value + (MathF.Abs(t) * (extreme - value));
            }
        }

        return result;
    }
}
