using ConvNet.Core.Models;

namespace ConvNet.Onnx;

/// <summary>
/// What a <see cref="Model"/> says about itself, as ONNX metadata properties under the keys its own files use (the
/// model writes them, <see cref="Model.DescriptionMetadata"/>, and reads them back, <see cref="Model.FromDescription"/>),
/// plus <c>convnet.version</c> and the export options' own entries.
/// </summary>
internal static class OnnxModelMetadata
{
    public const string VersionKey = "convnet.version";

    /// <summary>The metadata to store for a model named <paramref name="name"/>, described by <paramref name="model"/> when there is one.</summary>
    /// <exception cref="ArgumentException">A key of the options' metadata is empty or uses the library's prefix, or a value is null.</exception>
    public static List<KeyValuePair<string, string>> Write(string name, string version, Model? model, OnnxExportOptions options)
    {
        var metadata = new List<KeyValuePair<string, string>> { new(VersionKey, version), new(Model.NameKey, name) };
        metadata.AddRange(model?.DescriptionMetadata().Where(entry => entry.Key != Model.NameKey) ?? []);
        foreach (var (key, value) in options.Metadata ?? new Dictionary<string, string>())
        {
            if (string.IsNullOrEmpty(key) || key.StartsWith(Model.ReservedPrefix, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Metadata key '{key}' is empty or uses the library's prefix '{Model.ReservedPrefix}'.", nameof(options));
            }

            metadata.Add(new(key, value ?? throw new ArgumentException($"Metadata '{key}' is null.", nameof(options))));
        }

        return metadata;
    }
}
