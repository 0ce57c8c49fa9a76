using ConvNet.Datasets.DigitImages;

namespace ConvNet.Datasets.Tests.DigitImages;

public sealed class InkThresholdTests
{
    [Fact]
    public void Separates_strokes_from_the_faint_lines_of_ruled_paper()
    {
        GrayImage ink = Strengths(strokes: 0.8f, lines: 0.25f, noise: 0.02f);

        float threshold = InkThreshold.Choose(ink);

        int lineRow = 4 + (8 * 3), strokeRow = 80;
        Enumerable.Range(0, ink.Width).Count(x => ink[x, lineRow] >= threshold).Should().Be(0, "no pixel of a ruled line is ink");
        Enumerable.Range(90, 7).Count(x => ink[x, strokeRow] >= threshold).Should().Be(7, "every pixel of the stroke is ink");
    }

    [Fact]
    public void Never_lets_the_noise_of_plain_paper_through()
    {
        GrayImage ink = Strengths(strokes: 0f, lines: 0f, noise: 0.04f);

        float threshold = InkThreshold.Choose(ink);

        threshold.Should().BeGreaterThanOrEqualTo(InkThreshold.MinimumInk);
        ink.Pixels.Count(value => value >= threshold).Should().BeLessThan(ink.Pixels.Length / 1000);
    }

    /// <summary>An ink-strength map: paper near 0, every 8th row a ruled line, one block of strokes, noise on all.</summary>
    private static GrayImage Strengths(float strokes, float lines, float noise)
    {
        GrayImage ink = SyntheticPage.Plain(200, 160, 0.05f);
        for (int y = 4; y < ink.Height; y += 8)
        {
            for (int x = 0; x < ink.Width; x++)
            {
                ink[x, y] = lines;
            }
        }

        for (int y = 60; y < 100; y++)
        {
            for (int x = 90; x < 97; x++)
            {
                ink[x, y] = Math.Max(ink[x, y], strokes);
            }
        }

        SyntheticPage.AddNoise(ink, noise, seed: 3);
        return ink;
    }
}
