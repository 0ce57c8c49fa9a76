using System.ComponentModel.DataAnnotations;

namespace ConvNet.Web;

/// <summary>
/// Where the served network comes from: configuration section <c>Model</c> (<c>--model FILE</c> sets <see cref="Path"/>).
/// </summary>
internal sealed class ModelOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Model";

    /// <summary>The model file; by default what the console sample's <c>train</c> writes (relative to the working folder).</summary>
    [Required]
    public string Path { get; set; } = System.IO.Path.Combine("output", "model.safetensors");

    /// <summary>
    /// When <see cref="Path"/> does not exist, a SimpleConvNet is trained at start-up on this many MNIST training
    /// images (one pass), so that a first run still serves a working page.
    /// </summary>
    [Range(100, 60_000)]
    public int QuickTrainImages { get; set; } = 60_000;

    /// <summary>Seed of the quick model's weights and shuffles.</summary>
    public int QuickTrainSeed { get; set; } = 1;

    /// <summary>MNIST's folder for the quick model (default: the fetcher's cache folder, downloading on first use).</summary>
    public string? DataFolder { get; set; }
}
