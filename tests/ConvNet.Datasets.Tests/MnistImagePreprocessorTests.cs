using ConvNet.Core.Data;
using ConvNet.Core.Tensors;
using ConvNet.Datasets;
using ConvNet.Datasets.DigitImages;
using ConvNet.Datasets.Tests.DigitImages;

namespace ConvNet.Datasets.Tests;

public sealed class MnistImagePreprocessorTests
{
    private const int Size = MnistImagePreprocessor.ImageSize;

    [Fact]
    public void ToMnist_SquareOfInk_ScalesTo20PixelsCentredInTheField()
    {
        // A 4×4 black square at (5, 2) on a white 10×10 page: scaled ×5 to 20×20, mass centre 10 → offset 4.
        float[] page = Page(10, 10, paper: 1f);
        Fill(page, 10, left: 5, top: 2, width: 4, height: 4, value: 0f);

        FloatTensor image = MnistImagePreprocessor.ToMnist(page, 10, 10);

        image.Shape.Should().Be(new TensorShape(1, 1, Size, Size));
        ShouldBeInkBlock(image, left: 4, top: 4, width: 20, height: 20);
    }

    [Fact]
    public void ToMnist_TallBar_KeepsAspectRatioAndCentresByMass()
    {
        // A 2×4 bar: the longer side (4) becomes 20, so 10×20; mass centre (5, 10) → columns 9..18, rows 4..23.
        float[] page = Page(10, 10, paper: 1f);
        Fill(page, 10, left: 0, top: 6, width: 2, height: 4, value: 0f);

        FloatTensor image = MnistImagePreprocessor.ToMnist(page, 10, 10);

        ShouldBeInkBlock(image, left: 9, top: 4, width: 10, height: 20);
    }

    [Fact]
    public void ToMnist_DrawnSevenOnLightPaper_BecomesCentredDarkBackgroundDigit()
    {
        // A "7" drawn off-centre on a large light-grey page with grey ink: a top bar and a diagonal stroke.
        const int width = 120, height = 90;
        float[] page = Page(width, height, paper: 0.9f);
        Fill(page, width, left: 70, top: 10, width: 36, height: 6, value: 0.15f);
        for (int y = 16; y < 70; y++)
        {
            int x = 104 - ((y - 16) * 24 / 54);
            Fill(page, width, left: x - 3, top: y, width: 6, height: 1, value: 0.15f);
        }

        FloatTensor image = MnistImagePreprocessor.ToMnist(page, width, height);

        (int left, int top, int right, int bottom) = InkBounds(image);
        (bottom - top + 1).Should().Be(MnistImagePreprocessor.DigitSize, "the taller side is scaled to 20 pixels");
        (right - left + 1).Should().BeLessThan(MnistImagePreprocessor.DigitSize);
        (double centreX, double centreY) = CentreOfMass(image);
        centreX.Should().BeApproximately(Size / 2.0, 0.5);
        centreY.Should().BeApproximately(Size / 2.0, 0.5);
        image.ToArray().Max().Should().BeApproximately(1f, 0.01f, "the strongest stroke is full ink (deskewing resamples it)");
        image[0, 0, 0, 0].Should().Be(0f, "the background is dark (zero)");
    }

    [Fact]
    public void ToMnist_InvertedPicture_GivesTheSameImage()
    {
        float[] light = Page(30, 40, paper: 1f);
        Fill(light, 30, left: 8, top: 5, width: 3, height: 25, value: 0f);
        Fill(light, 30, left: 8, top: 5, width: 12, height: 3, value: 0f);
        float[] dark = light.Select(value => 1f - value).ToArray();

        float[] fromLight = MnistImagePreprocessor.ToMnist(light, 30, 40).ToArray();
        float[] fromDark = MnistImagePreprocessor.ToMnist(dark, 30, 40).ToArray();

        fromDark.Should().Equal(fromLight);
    }

    [Fact]
    public void ToMnist_BlankPicture_FindsNoDigit()
    {
        float[] page = Page(20, 20, paper: 0.8f);

        Action convert = () => MnistImagePreprocessor.ToMnist(page, 20, 20);

        convert.Should().Throw<NoDigitFoundException>().WithMessage("No digit found in the 20×20 picture: it is blank*");
    }

    [Fact]
    public void ToMnist_ShadedNoisyPaperWithoutDigit_FindsNoDigitInsteadOfGuessing()
    {
        GrayImage page = EmptySheetPhoto();

        Action convert = () => MnistImagePreprocessor.ToMnist(page.Pixels, page.Width, page.Height);

        convert.Should().Throw<NoDigitFoundException>().WithMessage("No digit found in the 400×300 picture: nothing stands out*");
    }

    [Fact]
    public void ToMnistWithSteps_ShadedPaperWithoutDigit_ReturnsWhatTheSearchSawWithoutAResult()
    {
        GrayImage page = EmptySheetPhoto();

        MnistPreprocessingSteps steps = MnistImagePreprocessor.ToMnistWithSteps(page.Pixels, page.Width, page.Height);

        steps.DigitFound.Should().BeFalse();
        steps.Result.Should().BeNull();
        steps.Crop.Should().BeNull();
        steps.Deskewed.Should().BeNull();
        steps.Input.Shape.Should().Be(new TensorShape(300, 400));
        steps.InkMask.ToArray().Should().NotContain(1f, "nothing was taken as the digit").And.OnlyContain(value => value == 0f || value == 0.4f);
    }

    [Fact]
    public void ToMnist_SevenOnShadedLinedPaperBesideTheDesk_ReadsLikeTheCleanSeven()
    {
        GrayImage clean = SyntheticPage.Plain(400, 300, 1f);
        SyntheticPage.Seven(clean, left: 220, top: 70, size: 90, ink: 0f);
        FloatTensor expected = MnistImagePreprocessor.ToMnist(clean.Pixels, clean.Width, clean.Height);

        // The same seven on ruled paper lit from the left, the dark desk in the left 40 columns, sensor noise.
        GrayImage photo = SyntheticPage.Gradient(400, 300, left: 0.9f, right: 0.5f);
        SyntheticPage.RuleLines(photo, spacing: 24, darkening: 0.2f);
        SyntheticPage.Seven(photo, left: 220, top: 70, size: 90, ink: 0.12f);
        SyntheticPage.Darken(photo, edge: 40, factor: 0.3f);
        SyntheticPage.AddNoise(photo, 0.02f, seed: 5);

        MnistPreprocessingSteps steps = MnistImagePreprocessor.ToMnistWithSteps(photo.Pixels, photo.Width, photo.Height);

        steps.DigitFound.Should().BeTrue();
        MeanAbsoluteDifference(steps.Result!, expected).Should().BeLessThan(0.05, "the lines, the light and the desk are gone");
        steps.DarkInk.Should().BeTrue();
        steps.Input.Shape.Should().Be(new TensorShape(300, 400));
        steps.InkMask.Shape.Should().Be(new TensorShape(300, 400));
        steps.InkMask.ToArray().Should().Contain(1f).And.OnlyContain(value => value == 0f || value == 0.4f || value == 1f);
    }

    [Fact]
    public void ToMnist_LargePhoto_IsShrunkToTheWorkingSizeFirst()
    {
        GrayImage page = SyntheticPage.Plain(1600, 1200, 0.8f);
        SyntheticPage.Seven(page, left: 700, top: 400, size: 300, ink: 0.1f);

        MnistPreprocessingSteps steps = MnistImagePreprocessor.ToMnistWithSteps(page.Pixels, page.Width, page.Height);

        steps.Input.Shape.Should().Be(new TensorShape(384, 512));
        steps.DigitFound.Should().BeTrue();
        CentreOfMass(steps.Result!).X.Should().BeApproximately(Size / 2.0, 0.5);
    }

    [Fact]
    public void ToMnist_PixelCountMismatch_ThrowsWithBothCounts()
    {
        Action convert = () => MnistImagePreprocessor.ToMnist(new float[99], 10, 10);

        convert.Should().Throw<ArgumentException>().WithMessage("*10×10*100*99*");
    }

    [Theory]
    [InlineData(10_000, 10_000)]
    [InlineData(100_000_000, 1)]
    [InlineData(MnistImagePreprocessor.MaxSide + 1, 1)]
    public void ToMnist_PictureOverThePixelOrSideCap_IsRefusedBeforeItsPixelsAreLookedAt(int width, int height)
    {
        // No pixels are handed over: the sizes alone are refused, before any working copy of the picture is made.
        Action convert = () => MnistImagePreprocessor.ToMnist([], width, height);
        Action withSteps = () => MnistImagePreprocessor.ToMnistWithSteps([], width, height);

        convert.Should().Throw<ArgumentException>()
            .WithMessage($"A {width}×{height} picture is too large: at most {MnistImagePreprocessor.MaxPixels:N0} pixels and {MnistImagePreprocessor.MaxSide:N0} on a side*");
        withSteps.Should().Throw<ArgumentException>().WithMessage("*too large*");
    }

    [Fact]
    public void ToMnist_BrightnessOutsideUnitRange_Throws()
    {
        float[] page = Page(10, 10, paper: 1f);
        page[13] = 255f;

        Action convert = () => MnistImagePreprocessor.ToMnist(page, 10, 10);

        convert.Should().Throw<ArgumentException>().WithMessage("*Pixel 13*x 3, y 1*[0, 1]*");
    }

    /// <summary>Full ink inside the block, none outside it.</summary>
    /// <summary>A phone photo of an empty sheet, 400×300: light falling off from one side, a shadow band, sensor noise.</summary>
    private static GrayImage EmptySheetPhoto()
    {
        GrayImage page = SyntheticPage.Gradient(400, 300, left: 0.9f, right: 0.35f);
        SyntheticPage.Darken(page, edge: 60, factor: 0.7f);
        SyntheticPage.AddNoise(page, 0.03f, seed: 4);
        return page;
    }

    private static void ShouldBeInkBlock(FloatTensor image, int left, int top, int width, int height)
    {
        for (int y = 0; y < Size; y++)
        {
            for (int x = 0; x < Size; x++)
            {
                bool inside = x >= left && x < left + width && y >= top && y < top + height;
                image[0, 0, y, x].Should().BeApproximately(inside ? 1f : 0f, 1e-6f, $"pixel (x {x}, y {y})");
            }
        }
    }

    private static double MeanAbsoluteDifference(FloatTensor a, FloatTensor b) =>
        a.ToArray().Zip(b.ToArray(), (x, y) => Math.Abs(x - y)).Average();

    private static float[] Page(int width, int height, float paper) => Enumerable.Repeat(paper, width * height).ToArray();

    private static void Fill(float[] page, int pageWidth, int left, int top, int width, int height, float value)
    {
        for (int y = top; y < top + height; y++)
        {
            page.AsSpan((y * pageWidth) + left, width).Fill(value);
        }
    }

    private static (int Left, int Top, int Right, int Bottom) InkBounds(FloatTensor image)
    {
        int left = Size, top = Size, right = -1, bottom = -1;
        for (int y = 0; y < Size; y++)
        {
            for (int x = 0; x < Size; x++)
            {
                if (image[0, 0, y, x] > 0f)
                {
                    (left, right) = (Math.Min(left, x), Math.Max(right, x));
                    (top, bottom) = (Math.Min(top, y), Math.Max(bottom, y));
                }
            }
        }

        return (left, top, right, bottom);
    }

    private static (double X, double Y) CentreOfMass(FloatTensor image)
    {
        double mass = 0, massX = 0, massY = 0;
        for (int y = 0; y < Size; y++)
        {
            for (int x = 0; x < Size; x++)
            {
                mass += image[0, 0, y, x];
                massX += image[0, 0, y, x] * (x + 0.5);
                massY += image[0, 0, y, x] * (y + 0.5);
            }
        }

        return (massX / mass, massY / mass);
    }
}
