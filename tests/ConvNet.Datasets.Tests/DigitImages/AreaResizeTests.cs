using ConvNet.Datasets.DigitImages;

namespace ConvNet.Datasets.Tests.DigitImages;

public sealed class AreaResizeTests
{
    [Fact]
    public void Halving_averages_each_two_by_two_block()
    {
        var image = new GrayImage(4, 2, [0f, 1f, 0.5f, 0.5f, 1f, 0f, 0.25f, 0.75f]);

        GrayImage half = AreaResize.Resize(image, 2, 1);

        half.Pixels.Should().Equal(0.5f, 0.5f);
    }

    [Theory]
    [InlineData(37, 23, 20, 9)]
    [InlineData(9, 5, 20, 14)]
    [InlineData(512, 300, 61, 20)]
    public void Any_resize_keeps_the_mean_brightness(int width, int height, int targetWidth, int targetHeight)
    {
        GrayImage image = SyntheticPage.Random(width, height, seed: width);

        GrayImage resized = AreaResize.Resize(image, targetWidth, targetHeight);

        resized.Pixels.Average().Should().BeApproximately(image.Pixels.Average(), 1e-4f);
        resized.Pixels.Should().OnlyContain(value => value >= 0f && value <= 1.00001f);
    }

    [Fact]
    public void Enlarging_a_constant_keeps_it_exactly()
    {
        GrayImage resized = AreaResize.Resize(SyntheticPage.Plain(3, 7, 0.25f), 20, 13);

        resized.Pixels.Should().OnlyContain(value => Math.Abs(value - 0.25f) < 1e-6f);
    }
}
