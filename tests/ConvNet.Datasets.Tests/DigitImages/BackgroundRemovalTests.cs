using ConvNet.Datasets.DigitImages;

namespace ConvNet.Datasets.Tests.DigitImages;

public sealed class BackgroundRemovalTests
{
    [Fact]
    public void Ink_is_measured_against_the_local_paper_so_lighting_does_not_matter()
    {
        // The same ink/paper ratio (0.2) in bright and in dim light gives the same ink strength, 0.8.
        GrayImage page = SyntheticPage.Gradient(100, 40, left: 0.9f, right: 0.45f);
        SyntheticPage.Stroke(page, 10, 10, 10, 30, radius: 1.5, ink: 0.2f * 0.9f);
        SyntheticPage.Stroke(page, 90, 10, 90, 30, radius: 1.5, ink: 0.2f * (0.9f - (0.45f * 90 / 99)));

        (_, GrayImage ink) = BackgroundRemoval.Remove(page, window: 15);

        ink[10, 20].Should().BeApproximately(0.8f, 0.03f);
        ink[90, 20].Should().BeApproximately(0.8f, 0.03f);
        ink[50, 20].Should().BeApproximately(0f, 0.03f, "the paper between the strokes is paper, bright or dim");
        ink[98, 2].Should().BeApproximately(0f, 0.03f);
    }

    [Fact]
    public void A_desk_at_the_edge_is_background_not_ink()
    {
        GrayImage page = SyntheticPage.Plain(80, 60, 0.85f);
        SyntheticPage.Darken(page, edge: 8, factor: 0.25f);

        (_, GrayImage ink) = BackgroundRemoval.Remove(page, window: 20);

        ink.Pixels.Should().OnlyContain(value => value < 0.01f);
    }
}
