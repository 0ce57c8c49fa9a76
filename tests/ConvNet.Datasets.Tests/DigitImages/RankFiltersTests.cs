using ConvNet.Datasets.DigitImages;

namespace ConvNet.Datasets.Tests.DigitImages;

public sealed class RankFiltersTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(40)]
    public void Maximum_and_minimum_match_a_naive_window_scan(int window)
    {
        GrayImage image = SyntheticPage.Random(23, 17, seed: window);

        RankFilters.Maximum(image, window).Pixels.Should().Equal(NaiveFilter(image, window, Math.Max));
        RankFilters.Minimum(image, window).Pixels.Should().Equal(NaiveFilter(image, window, Math.Min));
    }

    [Fact]
    public void Closing_fills_a_stroke_narrower_than_the_window_and_keeps_the_lighting()
    {
        GrayImage page = SyntheticPage.Gradient(60, 40, left: 0.9f, right: 0.5f);
        GrayImage lit = page.Clone();
        SyntheticPage.Stroke(page, 10, 20, 50, 20, radius: 2, ink: 0.1f);

        GrayImage background = RankFilters.Closing(page, 11);

        for (int i = 0; i < lit.Pixels.Length; i++)
        {
            background.Pixels[i].Should().BeApproximately(lit.Pixels[i], 0.051f, "a linear slope survives closing to within one window's fall");
        }
    }

    [Fact]
    public void Closing_keeps_a_dark_band_along_the_edge_however_narrow()
    {
        // The desk beyond the sheet: 3 dark columns at the left edge, a window of 15.
        GrayImage page = SyntheticPage.Plain(40, 30, 0.9f);
        SyntheticPage.Darken(page, edge: 3, factor: 0.2f);

        GrayImage background = RankFilters.Closing(page, 15);

        background.Pixels.Should().Equal(page.Pixels);
    }

    private static float[] NaiveFilter(GrayImage image, int window, Func<float, float, float> pick)
    {
        var result = new float[image.Pixels.Length];
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                float value = image[x, y];
                for (int wy = y - (window / 2); wy < y - (window / 2) + window; wy++)
                {
                    for (int wx = x - (window / 2); wx < x - (window / 2) + window; wx++)
                    {
                        if (wx >= 0 && wy >= 0 && wx < image.Width && wy < image.Height)
                        {
                            value = pick(value, image[wx, wy]);
                        }
                    }
                }

                result[(y * image.Width) + x] = value;
            }
        }

        return result;
    }
}
