using ConvNet.Mnist;

namespace ConvNet.Mnist.Tests;

public sealed class TextArtTests
{
    [Fact]
    public void Render_MapsInkToShadesTwoCharactersPerPixel()
    {
        // 0.6 of the way along the ten shades " .:-=+*#%@" is index 5.4 → '+'.
        float[] pixels = [0f, 1f, 0.6f, 1f, 0f, 0f];

        IReadOnlyList<string> lines = TextArt.Render(pixels, width: 3);

        lines.Should().Equal("  @@++", "@@    ");
    }
}
