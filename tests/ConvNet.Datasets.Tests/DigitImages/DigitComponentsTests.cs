using ConvNet.Datasets.DigitImages;

namespace ConvNet.Datasets.Tests.DigitImages;

public sealed class DigitComponentsTests
{
    private const int Width = 400, Height = 300;

    [Fact]
    public void Keeps_the_digit_and_its_detached_piece_and_drops_specks_lines_and_the_desk()
    {
        InkComponent digit = Component(1, area: 900, new PixelBox(150, 100, 190, 170));
        InkComponent bar = Component(2, area: 120, new PixelBox(150, 85, 200, 92));
        InkComponent speck = Component(3, area: 9, new PixelBox(40, 40, 42, 42));
        InkComponent ruledLine = Component(4, area: 700, new PixelBox(0, 200, 350, 201));
        InkComponent desk = Component(5, area: 8000, new PixelBox(0, 0, 30, 299), touchesBorder: true);
        InkComponent farMark = Component(6, area: 100, new PixelBox(330, 250, 340, 260));

        IReadOnlyList<InkComponent> chosen = DigitComponents.Select([digit, bar, speck, ruledLine, desk, farMark], Width, Height, photo: true);

        chosen.Should().Equal(digit, bar);
    }

    [Fact]
    public void Takes_a_border_touching_component_when_nothing_else_is_there()
    {
        InkComponent tightCrop = Component(1, area: 200, new PixelBox(0, 0, 19, 27), touchesBorder: true);

        DigitComponents.Select([tightCrop], 20, 28, photo: false).Should().Equal(tightCrop);
    }

    [Fact]
    public void Finds_nothing_among_specks_and_lines()
    {
        InkComponent speck = Component(1, area: 5, new PixelBox(40, 40, 41, 42));
        InkComponent gridLine = Component(2, area: 300, new PixelBox(100, 0, 101, 299), touchesBorder: true);

        DigitComponents.Select([speck, gridLine], Width, Height, photo: true).Should().BeEmpty();
    }

    [Fact]
    public void A_component_from_edge_to_edge_is_a_band_of_shadow_in_a_photo_but_may_be_the_digit_of_a_clean_picture()
    {
        InkComponent band = Component(1, area: 9000, new PixelBox(60, 0, 90, 299), touchesBorder: true);

        DigitComponents.Select([band], Width, Height, photo: true).Should().BeEmpty();
        DigitComponents.Select([band], Width, Height, photo: false).Should().Equal(band);
    }

    [Fact]
    public void A_one_pixel_stroke_is_a_ruled_line_in_a_photo_but_the_digit_of_a_clean_picture()
    {
        InkComponent stroke = Component(1, area: 24, new PixelBox(20, 8, 20, 31));

        DigitComponents.Select([stroke], 40, 40, photo: true).Should().BeEmpty();
        DigitComponents.Select([stroke], 40, 40, photo: false).Should().Equal(stroke);
    }

    private static InkComponent Component(int label, int area, PixelBox box, bool touchesBorder = false) =>
        new(label, area, box, InkSum: area * 0.8, touchesBorder);
}
