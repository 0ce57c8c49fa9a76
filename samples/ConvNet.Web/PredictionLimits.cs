using System.ComponentModel.DataAnnotations;
using ConvNet.Datasets;

namespace ConvNet.Web;

/// <summary>What one prediction request may cost the server: configuration section <c>Limits</c>.</summary>
internal sealed class PredictionLimits
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Limits";

    /// <summary>The largest request body (a phone photo as JPEG is 3–6 MB; the page sends a few kB).</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// The most pixels an uploaded picture may declare, checked before decoding: 4096² takes a 12-megapixel phone photo
    /// and bounds what one upload costs (about 20 bytes a pixel while it is read and preprocessed).
    /// </summary>
    [Range(1, MnistImagePreprocessor.MaxPixels)]
    public long MaxImagePixels { get; set; } = 4096 * 4096;

    /// <summary>Predictions running at once (each holds its upload and decoded picture in memory); more wait in the queue.</summary>
    [Range(1, 256)]
    public int MaxConcurrentPredictions { get; set; } = 8;

    /// <summary>Predictions that may wait for a slot; beyond that the server answers 503.</summary>
    [Range(0, 100_000)]
    public int QueueLimit { get; set; } = 1024;
}
