using ConvNet.Datasets.DigitImages;

namespace ConvNet.Datasets.Tests.DigitImages;

public sealed class InkPolarityTests
{
    [Fact]
    public void Dark_ink_on_shaded_noisy_paper_is_dark()
    {
        GrayImage page = SyntheticPage.Gradient(120, 90, left: 0.85f, right: 0.45f);
        SyntheticPage.Seven(page, left: 60, top: 20, size: 40, ink: 0.15f);
        SyntheticPage.AddNoise(page, 0.03f, seed: 1);

        InkPolarity.IsDarkInk(page, window: 30).Should().BeTrue();
    }

    [Fact]
    public void Chalk_on_a_shaded_board_is_light()
    {
        // Light strokes on a dark, unevenly lit background whose border is not uniform.
        GrayImage page = SyntheticPage.Gradient(120, 90, left: 0.1f, right: 0.4f);
        SyntheticPage.Seven(page, left: 30, top: 20, size: 40, ink: 0.95f);
        SyntheticPage.AddNoise(page, 0.03f, seed: 2);

        InkPolarity.IsDarkInk(page, window: 30).Should().BeFalse();
    }

    [Fact]
    public void A_quiet_photo_whose_light_falls_off_towards_the_edges_is_no_clean_picture()
    {
        // Paper 0.8 in the middle, 0.64-0.72 along the border (a lens's vignette, little noise), and a small dark 7.
        // Four fifths of the border lie within 0.03 of its median (a quarter within 0.01), yet the middle is brighter:
        // taken for a clean picture's background, the border would say the ink is the lighter side.
        var page = new GrayImage(200, 150);
        for (int y = 0; y < page.Height; y++)
        {
            for (int x = 0; x < page.Width; x++)
            {
                double u = (x - 99.5) / 99.5, v = (y - 74.5) / 74.5;
                page[x, y] = 0.8f - (float)(0.08 * ((u * u) + (v * v)));
            }
        }

        SyntheticPage.Seven(page, left: 90, top: 60, size: 30, ink: 0.2f);
        SyntheticPage.AddNoise(page, 0.002f, seed: 3);

        InkPolarity.UniformBorder(page).Should().BeNull();
        InkPolarity.IsDarkInk(page, window: 50).Should().BeTrue();
    }

    [Fact]
    public void A_clean_picture_saved_with_one_level_of_noise_on_its_background_keeps_a_uniform_border()
    {
        // A JPEG's flat areas come back within a level of what they were: still a plain background.
        GrayImage page = SyntheticPage.Plain(60, 40, 250 / 255f);
        SyntheticPage.Seven(page, left: 15, top: 5, size: 30, ink: 0f);
        var random = new Random(4);
        for (int i = 0; i < page.Pixels.Length; i++)
        {
            page.Pixels[i] = Math.Max(0f, page.Pixels[i] + (random.Next(-1, 2) / 255f));
        }

        InkPolarity.UniformBorder(page).Should().BeApproximately(250 / 255f, 1f / 255);
        InkPolarity.IsDarkInk(page, window: 20).Should().BeTrue();
    }

    [Fact]
    public void A_clean_picture_takes_its_uniform_border_as_background_even_when_ink_covers_most_of_it()
    {
        // A bold square covering 64 % of a white picture: the ink is the majority, the border still says "paper".
        GrayImage page = SyntheticPage.Plain(10, 10, 1f);
        for (int y = 1; y < 9; y++)
        {
            for (int x = 1; x < 9; x++)
            {
                page[x, y] = 0f;
            }
        }

        InkPolarity.IsDarkInk(page, window: 20).Should().BeTrue();
    }
}
