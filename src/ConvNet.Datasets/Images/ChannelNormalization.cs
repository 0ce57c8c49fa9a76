using System.Globalization;
using ConvNet.Core.Tensors;

namespace ConvNet.Datasets.Images;

/// <summary>
/// Per-channel standardization of images: <c>(pixel − Mean[c]) / StandardDeviation[c]</c>, the same for training and
/// for every picture predicted later (the values travel with the model in <see cref="ImageTransform"/>).
/// </summary>
public sealed class ChannelNormalization
{
    private readonly float[] _mean;
    private readonly float[] _standardDeviation;

    /// <summary>Uses the given statistics (for example ImageNet's, or those of an earlier training set).</summary>
    /// <param name="mean">One mean per channel.</param>
    /// <param name="standardDeviation">One positive standard deviation per channel.</param>
    /// <exception cref="ArgumentException">The lists are empty or differ in length, a value is not finite, or a deviation is not positive.</exception>
    public ChannelNormalization(IReadOnlyList<float> mean, IReadOnlyList<float> standardDeviation)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(standardDeviation);
        if (mean.Count == 0 || mean.Count != standardDeviation.Count)
        {
            throw new ArgumentException(
                $"Normalization needs one mean and one standard deviation per channel; got {mean.Count} and {standardDeviation.Count}.", nameof(standardDeviation));
        }

        for (int channel = 0; channel < mean.Count; channel++)
        {
            if (!float.IsFinite(mean[channel]))
            {
                throw new ArgumentException($"The mean of channel {channel} is {mean[channel]}; it must be finite.", nameof(mean));
            }

            if (!(standardDeviation[channel] > 0f && float.IsFinite(standardDeviation[channel])))
            {
                throw new ArgumentException(
                    $"The standard deviation of channel {channel} is {standardDeviation[channel]}; it must be positive and finite.", nameof(standardDeviation));
            }
        }

        _mean = [.. mean];
        _standardDeviation = [.. standardDeviation];
    }

    /// <summary>The mean of each channel.</summary>
    public IReadOnlyList<float> Mean => _mean;

    /// <summary>The standard deviation of each channel.</summary>
    public IReadOnlyList<float> StandardDeviation => _standardDeviation;

    /// <summary>The number of channels.</summary>
    public int ChannelCount => _mean.Length;

    /// <summary>
    /// The mean and (population) standard deviation of each channel over every pixel of <paramref name="images"/>,
    /// summed in double. A channel that never varies gets a deviation of 1, so it is only shifted.
    /// </summary>
    /// <param name="images">The training images [N, C, H, W] (never the validation or test images).</param>
    /// <exception cref="ArgumentException">The tensor is not rank 4.</exception>
    public static ChannelNormalization Compute(FloatTensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Shape.Rank != 4)
        {
            throw new ArgumentException($"Normalization statistics need images [N, C, H, W]; got {images.Shape}.", nameof(images));
        }

        int channels = images.Shape[1];
        int planeSize = images.Shape[2] * images.Shape[3];
        var sums = new double[channels];
        var squares = new double[channels];
        ReadOnlySpan<float> pixels = images.ReadOnlySpan;
        for (int plane = 0; plane < images.Shape[0] * channels; plane++)
        {
            int channel = plane % channels;
            foreach (float pixel in pixels.Slice(plane * planeSize, planeSize))
            {
                sums[channel] += pixel;
                squares[channel] += (double)pixel * pixel;
            }
        }

        double count = (double)images.Shape[0] * planeSize;
        var mean = new float[channels];
        var deviation = new float[channels];
        for (int channel = 0; channel < channels; channel++)
        {
            double average = sums[channel] / count;
            double variance = Math.Max(0, (squares[channel] / count) - (average * average));
            mean[channel] = (float)average;
            deviation[channel] = variance > 1e-12 ? (float)Math.Sqrt(variance) : 1f;
        }

        return new ChannelNormalization(mean, deviation);
    }

    /// <summary>Normalizes images [N, C, H, W] in place.</summary>
    /// <exception cref="ArgumentException">The tensor is not rank 4 or its channel count differs from <see cref="ChannelCount"/>.</exception>
    public void ApplyInPlace(FloatTensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Shape.Rank != 4 || images.Shape[1] != ChannelCount)
        {
            throw new ArgumentException($"This normalization takes images [N, {ChannelCount}, H, W]; got {images.Shape}.", nameof(images));
        }

        int planeSize = images.Shape[2] * images.Shape[3];
        Span<float> pixels = images.Span;
        for (int plane = 0; plane < images.Shape[0] * ChannelCount; plane++)
        {
            int channel = plane % ChannelCount;
            float mean = _mean[channel];
            float scale = 1f / _standardDeviation[channel];
            foreach (ref float pixel in pixels.Slice(plane * planeSize, planeSize))
            {
                pixel = (pixel - mean) * scale;
            }
        }
    }

    /// <summary>Shows the statistics like <c>mean [0.4914, 0.4822, 0.4465], std [0.2470, 0.2435, 0.2616]</c>.</summary>
    public override string ToString() => $"mean [{Format(_mean)}], std [{Format(_standardDeviation)}]";

    private static string Format(float[] values) => string.Join(", ", values.Select(value => value.ToString("0.0000", CultureInfo.InvariantCulture)));
}
