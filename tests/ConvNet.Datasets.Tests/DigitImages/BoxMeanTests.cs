using ConvNet.Datasets.DigitImages;

namespace ConvNet.Datasets.Tests.DigitImages;

public sealed class BoxMeanTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(30)]
    public void Matches_the_mean_of_each_clipped_window(int window)
    {
        GrayImage image = SyntheticPage.Random(19, 11, seed: window);

        GrayImage mean = BoxMean.Compute(image, window);

        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                double sum = 0;
                int count = 0;
                for (int wy = Math.Max(0, y - (window / 2)); wy < Math.Min(image.Height, y - (window / 2) + window); wy++)
                {
                    for (int wx = Math.Max(0, x - (window / 2)); wx < Math.Min(image.Width, x - (window / 2) + window); wx++)
                    {
                        sum += image[wx, wy];
                        count++;
                    }
                }

                mean[x, y].Should().BeApproximately((float)(sum / count), 1e-5f, $"pixel ({x}, {y})");
            }
        }
    }
}
