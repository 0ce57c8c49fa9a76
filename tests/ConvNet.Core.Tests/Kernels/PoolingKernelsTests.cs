using ConvNet.Core.Kernels;

namespace ConvNet.Core.Tests.Kernels;

public class PoolingKernelsTests
{
    [Theory]
    [InlineData(3, 40, 9, 24, 2, 2)] // the vectorized 2×2 path, several chunks of planes, an odd height
    [InlineData(2, 3, 8, 25, 2, 2)] // an output row of 12: vector steps plus a scalar tail
    [InlineData(2, 5, 6, 14, 2, 2)] // output rows of 7
    [InlineData(2, 35, 9, 8, 3, 2)] // overlapping windows on the general path, several chunks
    public void Max_forward_matches_the_reference_including_the_first_maximum_on_ties(int batch, int channels, int height, int width, int window, int stride)
    {
        // Values from {0, 1, 2} make ties common, so the first-maximum rule is exercised.
        var random = new Random(height * width);
        int planes = batch * channels;
        float[] input = Enumerable.Range(0, planes * height * width).Select(_ => (float)random.Next(3)).ToArray();
        var geometry = new WindowGeometry(1, height, width, window, window, stride, Padding: 0);
        int outputLength = planes * geometry.OutputPositions;
        var expected = new float[outputLength];
        var expectedIndices = new int[outputLength];
        Pool.MaxForward(input, expected, expectedIndices, planes, geometry);
        var output = new float[outputLength];
        var indices = new int[outputLength];

        PoolingKernels.MaxForward(input, output, indices, planes, geometry);

        output.Should().Equal(expected);
        indices.Should().Equal(expectedIndices);
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    public void Max_backward_sends_each_gradient_to_its_recorded_maximum(int window, int stride)
    {
        var random = new Random(window);
        const int planes = 70, height = 9, width = 10;
        float[] input = Enumerable.Range(0, planes * height * width).Select(_ => random.NextSingle()).ToArray();
        var geometry = new WindowGeometry(1, height, width, window, window, stride, Padding: 0);
        int outputLength = planes * geometry.OutputPositions;
        var output = new float[outputLength];
        var indices = new int[outputLength];
        PoolingKernels.MaxForward(input, output, indices, planes, geometry);
        float[] outputGradient = Enumerable.Range(0, outputLength).Select(_ => random.NextSingle()).ToArray();
        var expected = new float[input.Length];
        for (int i = 0; i < outputLength; i++)
        {
            expected[indices[i]] += outputGradient[i];
        }

        float[] inputGradient = Enumerable.Repeat(float.NaN, input.Length).ToArray();
        PoolingKernels.MaxBackward(outputGradient, indices, inputGradient, planes, geometry);

        inputGradient.Should().Equal(expected);
    }
}
