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
    public void A_one_with_a_flag_as_long_as_its_stem_is_not_turned_into_a_caret()
    {
        // An upright stem at x = 44 and a flag reaching from its top down to the left at about 45°, as long as the stem: the second moments
        // average the two into a lean, and shearing by it would tilt the stem as far as it straightens the flag.
        var ink = new GrayImage(50, 50);
        SyntheticPage.Stroke(ink, 44, 4, 44, 46, 2.5, 1f);
        SyntheticPage.Stroke(ink, 44, 4, 4, 42, 2.5, 1f);

        (double slant, GrayImage upright) = Deskew.Straighten(ink);

        Deskew.ExcessSlant(ink).Should().BeLessThan(-0.2, "the moments see the flag's lean");
        Deskew.ColumnConcentration(Deskew.Shear(ink, Deskew.ExcessSlant(ink))).Should().BeLessThan(Deskew.ColumnConcentration(ink));
        slant.Should().Be(0);
        upright.Pixels.Should().Equal(ink.Pixels);
    }

    [Fact]
    public void A_leaning_bar_is_still_straightened_as_far_as_handwritings_own_slant()
    {
        var ink = new GrayImage(40, 41);
        SyntheticPage.Stroke(ink, 10, 40, 30, 0, 1.5, 1f);

        (double slant, GrayImage upright) = Deskew.Straighten(ink);

        slant.Should().BeApproximately(Deskew.ExcessSlant(ink), 1e-12).And.BeLessThan(-0.3);
        Deskew.Slant(upright).Should().BeApproximately(-Deskew.NaturalSlant, 0.02);
        Deskew.ColumnConcentration(upright).Should().BeGreaterThan(Deskew.ColumnConcentration(ink));
    }

    [Theory]
    [InlineData(1, 1.0)]
    [InlineData(4, 0.25)]
    public void Column_concentration_is_one_over_the_columns_the_ink_spans(int columns, double expected)
    {
        var ink = new GrayImage(10, 6);
        for (int x = 3; x < 3 + columns; x++)
        {
            for (int y = 1; y < 5; y++)
            {
                ink[x, y] = 0.5f;
            }
        }

        Deskew.ColumnConcentration(ink).Should().BeApproximately(expected, 1e-12);
        Deskew.ColumnConcentration(new GrayImage(10, 6)).Should().Be(0);
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
