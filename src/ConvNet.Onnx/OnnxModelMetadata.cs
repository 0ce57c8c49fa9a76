using System.Globalization;
using System.Text.Json;
using ConvNet.Core.Models;
using ConvNet.Core.Networks;

namespace ConvNet.Onnx;

/// <summary>
/// What a <see cref="Model"/> says about itself, as ONNX metadata properties under the keys its own files use
/// (<c>convnet.name</c>, <c>convnet.class_names</c> as a JSON array, <c>convnet.test_accuracy</c>, the free-form
/// properties under their own keys), plus <c>convnet.version</c>; and back.
/// </summary>
internal static class OnnxModelMetadata
{
    public const string ReservedPrefix = "convnet.";
    public const string VersionKey = "convnet.version";
    public const string NameKey = "convnet.name";
    public const string ClassNamesKey = "convnet.class_names";
    public const string TestAccuracyKey = "convnet.test_accuracy";

    /// <summary>The metadata to store for a model named <paramref name="name"/>, described by <paramref name="model"/> when there is one.</summary>
    /// <exception cref="ArgumentException">A key of the options' metadata is empty or uses the library's prefix, or a value is null.</exception>
    public static List<KeyValuePair<string, string>> Write(string name, string version, Model? model, OnnxExportOptions options)
    {
        var metadata = new List<KeyValuePair<string, string>> { new(VersionKey, version), new(NameKey, name) };
        if (model?.ClassNames is { } classNames)
        {
            metadata.Add(new(ClassNamesKey, JsonSerializer.Serialize(classNames)));
        }

        if (model?.TestAccuracy is { } accuracy)
        {
            metadata.Add(new(TestAccuracyKey, accuracy.ToString("R", CultureInfo.InvariantCulture)));
        }

        metadata.AddRange(model?.Properties ?? new Dictionary<string, string>());
        foreach (var (key, value) in options.Metadata ?? new Dictionary<string, string>())
        {
            if (string.IsNullOrEmpty(key) || key.StartsWith(ReservedPrefix, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Metadata key '{key}' is empty or uses the library's prefix '{ReservedPrefix}'.", nameof(options));
            }

            metadata.Add(new(key, value ?? throw new ArgumentException($"Metadata '{key}' is null.", nameof(options))));
        }

        return metadata;
    }

    /// <summary>A <see cref="Model"/> around <paramref name="network"/> described by <paramref name="metadata"/>.</summary>
    /// <param name="network">The imported network.</param>
    /// <param name="metadata">The ONNX model's metadata properties.</param>
    /// <param name="fallbackName">The name when the metadata has none (such as the graph's name).</param>
    /// <param name="source">The file, for errors.</param>
    /// <exception cref="InvalidDataException">The class names, accuracy or properties are invalid.</exception>
    public static Model Read(INetwork network, IReadOnlyDictionary<string, string> metadata, string fallbackName, string source)
    {
        try
        {
            return new Model(network, metadata.GetValueOrDefault(NameKey) ?? fallbackName)
            {
                ClassNames = metadata.TryGetValue(ClassNamesKey, out string? classNames) ? ParseClassNames(classNames, source) : null,
                TestAccuracy = metadata.TryGetValue(TestAccuracyKey, out string? accuracy) ? ParseAccuracy(accuracy, source) : null,
                Properties = metadata.Where(pair => !pair.Key.StartsWith(ReservedPrefix, StringComparison.Ordinal)).ToDictionary(),
            };
        }
        catch (ArgumentException exception)
        {
            throw new InvalidDataException($"'{source}' has invalid model metadata: {exception.Message}", exception);
        }
    }

    private static string[] ParseClassNames(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<string[]>(json) ?? throw new JsonException("null");
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"'{source}' has '{ClassNamesKey}' = {json}; expected a JSON array of strings.", exception);
        }
    }

    private static double ParseAccuracy(string text, string source) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double accuracy)
            ? accuracy
            : throw new InvalidDataException($"'{source}' has '{TestAccuracyKey}' = '{text}'; expected a number in [0, 1].");
}
