namespace ConvNet.Datasets.Images;

/// <summary>How <see cref="ImageFolderDataset.Load"/> reads a folder of pictures: input size, colour, split and normalization.</summary>
/// <remarks>Every property is validated when loading starts; a bad value throws <see cref="ArgumentOutOfRangeException"/> naming it.</remarks>
public sealed record ImageFolderOptions
{
    /// <summary>The network input width in pixels. Default 32.</summary>
    public int Width { get; init; } = 32;

    /// <summary>The network input height in pixels. Default 32.</summary>
    public int Height { get; init; } = 32;

    /// <summary>Grey (1 channel) or RGB (3 channels). Default RGB.</summary>
    public ImageColorMode Color { get; init; } = ImageColorMode.Rgb;

    /// <summary>How pictures of another aspect ratio are fitted. Default <see cref="ImageResizeMode.Stretch"/>.</summary>
    public ImageResizeMode Resize { get; init; } = ImageResizeMode.Stretch;

    /// <summary>
    /// The fraction of each class's pictures, in [0, 1), set aside by a seeded shuffle as the validation split (never
    /// trained on, never used for the normalization statistics). Default 0.2.
    /// </summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>The seed of the validation split's shuffle. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Whether to standardize each channel: with <see cref="Normalization"/> when given, else with the mean and standard
    /// deviation of the training split. Default true.
    /// </summary>
    public bool Normalize { get; init; } = true;

    /// <summary>Statistics to normalize with instead of the training split's (for example those of a model trained before).</summary>
    public ChannelNormalization? Normalization { get; init; }

    /// <summary>
    /// When true, the first file that cannot be read as a picture stops loading with an <see cref="InvalidDataException"/>
    /// naming it; when false (default), such files are skipped, counted and named in a warning.
    /// </summary>
    public bool Strict { get; init; }

    /// <summary>The file extensions read as pictures (case-insensitive); other files are ignored.</summary>
    public IReadOnlyList<string> Extensions { get; init; } = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tga"];

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names the property and the value.</exception>
    public void Validate()
    {
        Require(Width is >= 1 and <= ImageTransform.MaxSize, Width, nameof(Width), $"1 to {ImageTransform.MaxSize}");
        Require(Height is >= 1 and <= ImageTransform.MaxSize, Height, nameof(Height), $"1 to {ImageTransform.MaxSize}");
        Require(Enum.IsDefined(Color), Color, nameof(Color), "Grayscale or Rgb");
        Require(Enum.IsDefined(Resize), Resize, nameof(Resize), "Stretch or CenterCrop");
        Require(ValidationFraction is >= 0 and < 1, ValidationFraction, nameof(ValidationFraction), "in [0, 1)");
        int channels = Color == ImageColorMode.Rgb ? 3 : 1;
        Require(Normalization is null || Normalization.ChannelCount == channels, Normalization?.ChannelCount, nameof(Normalization), $"for {channels} channel(s)");
        Require(Extensions is { Count: > 0 } && Extensions.All(extension => extension is ['.', _, ..]), Extensions is null ? null : string.Join(" ", Extensions), nameof(Extensions), "a non-empty list like .png .jpg");
    }

    private static void Require(bool condition, object? value, string name, string expected)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be {expected}; got {value ?? "null"}.");
        }
    }
}
