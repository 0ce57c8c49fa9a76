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
