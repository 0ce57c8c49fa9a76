using ConvNet.Datasets.DigitImages;

namespace ConvNet.Datasets.Tests.DigitImages;

public sealed class DeskewTests
{
    [Fact]
    public void A_bar_leaning_by_half_a_pixel_per_row_has_slant_minus_one_half_and_stands_up_after_shearing()
    {
        // Ink 1 on 0: a 3-pixel-wide bar whose top is 20 pixels right of its bottom (dx/dy = −0.5 as y grows down).
        var ink = new GrayImage(40, 41);
        for (int y = 0; y <= 40; y++)
        {
            int x = 30 - (y / 2);
            ink[x - 1, y] = ink[x, y] = ink[x + 1, y] = 1f;
        }

        double slant = Deskew.Slant(ink);
        GrayImage upright = Deskew.Shear(ink, slant);

        slant.Should().BeApproximately(-0.5, 0.01);
        Deskew.Slant(upright).Should().BeApproximately(0, 0.02);
        upright.Pixels.Sum().Should().BeApproximately(ink.Pixels.Sum(), 0.5f, "shearing moves ink, it does not add or lose it");
    }

    [Fact]
    public void Only_the_slant_beyond_handwritings_own_is_taken_out()
    {
        var ink = new GrayImage(40, 41);
        for (int y = 0; y <= 40; y++)
        {
            int x = 30 - (y / 2);
            ink[x, y] = 1f;
        }

        Deskew.ExcessSlant(ink).Should().BeApproximately(Deskew.Slant(ink) + Deskew.NaturalSlant, 1e-9);
    }

    [Fact]
    public void An_upright_symmetric_digit_is_left_alone()
    {
        var ink = new GrayImage(9, 15);
        for (int y = 2; y < 13; y++)
        {
            ink[4, y] = 1f;
        }

        Deskew.Slant(ink).Should().Be(0);
        Deskew.Shear(ink, 0).Pixels.Should().Equal(ink.Pixels);
    }
}
