using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ConvNet.Core.Networks;
using ConvNet.Core.Serialization;

namespace ConvNet.Core.Models;

/// <summary>
/// A network ready to deploy, with what a reader of its file needs to know: its name, optional class names, optional
/// test accuracy and free-form string properties. <see cref="Save(string)"/> writes a safetensors file that also
/// describes the architecture, so <see cref="Load(string)"/> rebuilds the network from the file alone; the prediction
/// methods turn scores into probabilities and ranked classes.
/// </summary>
/// <example>
/// <code>
/// new Model(network, "digits") { TestAccuracy = 0.9887 }.Save("digits.safetensors");   // any network of library layers
/// Model model = Model.Load("digits.safetensors");
/// ClassScore best = model.PredictImage(pixels28x28, k: 1)[0];   // best.Label, best.Probability
/// </code>
/// </example>
/// <remarks>
/// <para>The file is a checkpoint (see <see cref="Checkpoint"/>: weights and batch-normalization state under
/// <c>layer.parameter</c> names) whose metadata also holds <c>convnet.architecture</c> (JSON: format version, input
/// shape, each layer's kind, name and hyper-parameters, the loss), <c>convnet.name</c>, and when set
/// <c>convnet.class_names</c> (a JSON array) and <c>convnet.test_accuracy</c> (a number in [0, 1]); the
/// <see cref="Properties"/> sit beside them under their own keys. Keys starting with <c>convnet.</c> are the library's.</para>
/// <para>Loading is strict and versioned: a newer format, an unknown layer kind, an architecture that does not match the
/// stored tensors, a NaN or infinite value, or a stream that ends early is an <see cref="InvalidDataException"/> naming
/// the file and the problem. A file with weights only (from another tool, or <see cref="Checkpoint.Save(INetwork, string, IReadOnlyDictionary{string, string}?)"/>)
/// does not describe its network: build the network in code and use <see cref="Checkpoint.LoadInto(INetwork, string)"/>.
/// Files the sample's <c>train</c> wrote before models described themselves (metadata <c>convnet.model</c> = simple,
/// deep or best) still load.</para>
/// <para>Predictions are safe from many threads at once, like <see cref="INetwork.Predict"/>, and give the same bits as
/// sequential calls.</para>
/// </remarks>
public sealed partial class Model
{
    internal const string ReservedPrefix = "convnet.";
    private const string ArchitectureKey = "convnet.architecture";
    internal const string NameKey = "convnet.name";
    private const string ClassNamesKey = "convnet.class_names";
    private const string TestAccuracyKey = "convnet.test_accuracy";

    private readonly IReadOnlyList<string>? _classNames;
    private readonly double? _testAccuracy;
    private readonly IReadOnlyDictionary<string, string> _properties = new Dictionary<string, string>(StringComparer.Ordinal);
    private string[] _labels;

    /// <summary>Wraps a trained network for saving and prediction.</summary>
    /// <param name="network">A network made of the library's layers with a <see cref="Layers.SoftmaxWithLoss"/> loss
    /// (any <see cref="Sequential"/>, <see cref="SimpleConvNet"/>, <see cref="DeepConvNet"/>, <see cref="BestConvNet"/> or
    /// <see cref="SequentialBuilder"/> network); used, not copied.</param>
    /// <param name="name">The model's name, shown to its users (for example <c>mnist-simple</c>).</param>
    /// <exception cref="ArgumentException">The name is empty, or a layer is not one of the library's, so a file could not describe it
    /// (save such a network's weights with <see cref="Checkpoint.Save(INetwork, string, IReadOnlyDictionary{string, string}?)"/>).</exception>
    public Model(INetwork network, string name)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Network = network;
        Name = name;
        Architecture = ArchitectureJson.Write(network);
        _labels = DefaultLabels(network.ClassCount);
    }

    /// <summary>The network; <see cref="INetwork.Predict"/> gives its raw scores (logits).</summary>
    public INetwork Network { get; }

    /// <summary>The model's name.</summary>
    public string Name { get; }

    /// <summary>
    /// The architecture as the JSON the file stores: <c>format_version</c>, <c>input_shape</c>, <c>layers</c> (each
    /// with <c>kind</c>, <c>name</c> and its hyper-parameters) and <c>loss</c>.
    /// </summary>
    public string Architecture { get; }

    /// <summary>The name of each class, in class-index order, or null when the classes are just numbered.</summary>
    /// <exception cref="ArgumentException">On init: the count differs from the network's class count, or a name is null or empty.</exception>
    public IReadOnlyList<string>? ClassNames
    {
        get => _classNames;
        init
        {
            if (value is not null)
            {
                if (value.Count != Network.ClassCount || value.Any(string.IsNullOrEmpty))
                {
                    throw new ArgumentException(
                        $"Give one non-empty name per class ({Network.ClassCount}); got {value.Count} names.", nameof(ClassNames));
                }

                _labels = [.. value];
            }
            else
            {
                _labels = DefaultLabels(Network.ClassCount);
            }

            _classNames = value is null ? null : Array.AsReadOnly(_labels);
        }
    }

    /// <summary>The labels predictions carry: <see cref="ClassNames"/>, or the class indices as text ("0", "1", …).</summary>
    public IReadOnlyList<string> Labels => _labels;

    /// <summary>The accuracy measured on a test set, in [0, 1], or null when unknown.</summary>
    /// <exception cref="ArgumentOutOfRangeException">On init: not in [0, 1].</exception>
    public double? TestAccuracy
    {
        get => _testAccuracy;
        init => _testAccuracy = value is null or (>= 0 and <= 1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(TestAccuracy), value, "A test accuracy lies in [0, 1].");
    }

    /// <summary>Free-form string properties saved with the model (for example the training recipe or a data set's name).</summary>
    /// <exception cref="ArgumentException">On init: a key is empty or starts with the library's prefix <c>convnet.</c>, or a value is null.</exception>
    public IReadOnlyDictionary<string, string> Properties
    {
        get => _properties;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Properties));
            var properties = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, text) in value)
            {
                if (string.IsNullOrEmpty(key) || key.StartsWith(ReservedPrefix, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"Property key '{key}' is empty or uses the library's prefix '{ReservedPrefix}'.", nameof(Properties));
                }

                properties[key] = text ?? throw new ArgumentException($"Property '{key}' is null.", nameof(Properties));
            }

            _properties = properties;
        }
    }

    /// <summary>Loads the model file at <paramref name="path"/>: rebuilds its network and restores its weights.</summary>
    /// <exception cref="InvalidDataException">The file is corrupt, truncated, of a newer format, holds weights only, describes
    /// an unknown layer, does not match its own tensors, or holds a NaN or infinite value; the message says which.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static Model Load(string path)
    {
        using var reader = CheckpointReader.Open(path);
        return Load(reader);
    }

    /// <summary>Loads a model file that starts at the current position of <paramref name="stream"/> (an embedded resource,
    /// a blob, a network stream); the stream is read to its end and left open. A stream that cannot seek is copied to
    /// memory first, at most 1 GiB of it.</summary>
    /// <exception cref="InvalidDataException">As for <see cref="Load(string)"/>, including a stream that ends early, or one
    /// that cannot seek and holds more than 1 GiB.</exception>
    public static Model Load(Stream stream)
    {
        using var reader = CheckpointReader.Open(stream);
        return Load(reader);
    }

    /// <summary>Saves the model to <paramref name="path"/>, replacing it (through a temporary file, so a crash never leaves half a file).</summary>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.Write(path, Save);
    }

    /// <summary>Writes the model to <paramref name="stream"/> from its current position; the stream is left open.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var metadata = Checkpoint.WithVersion(DescriptionMetadata());
        metadata[ArchitectureKey] = Architecture;
        Checkpoint.Write(Network, stream, metadata);
    }

    private static Model Load(CheckpointReader reader)
    {
        IReadOnlyDictionary<string, string> metadata = reader.Metadata;
        INetwork network;
        string? catalogName = null;
        if (metadata.TryGetValue(ArchitectureKey, out string? architecture))
        {
            network = ArchitectureJson.Read(architecture, reader.Header.Entries.ToDictionary(entry => entry.Name, entry => entry.Shape), reader.Source);
        }
        else if (metadata.TryGetValue(ModelCatalog.ModelKey, out catalogName) && ModelCatalog.Names.Contains(catalogName))
        {
            network = ModelCatalog.Create(catalogName, seed: 0);
        }
        else
        {
            throw new InvalidDataException(
                $"'{reader.Source}' holds weights only: its metadata has no '{ArchitectureKey}' describing the network. " +
                $"Build the network in code and load the weights with {nameof(Checkpoint)}.{nameof(Checkpoint.LoadInto)}.");
        }

        reader.LoadInto(network);
        return FromDescription(network, metadata, catalogName ?? "model", reader.Source);
    }

    /// <summary>
    /// What describes the model, as the metadata entries its files hold: the name, the class names (a JSON array), the
    /// test accuracy and the free-form properties under their own keys. ConvNet.Onnx stores the same entries in ONNX files.
    /// </summary>
    internal Dictionary<string, string> DescriptionMetadata()
    {
        var metadata = new Dictionary<string, string>(Properties, StringComparer.Ordinal) { [NameKey] = Name };
        if (ClassNames is not null)
        {
            metadata[ClassNamesKey] = WriteClassNames(ClassNames);
        }

        if (TestAccuracy is { } accuracy)
        {
            metadata[TestAccuracyKey] = accuracy.ToString("R", CultureInfo.InvariantCulture);
        }

        return metadata;
    }

    /// <summary>A model of <paramref name="network"/> described by entries that <see cref="DescriptionMetadata"/> wrote.</summary>
    /// <param name="network">The network, already loaded.</param>
    /// <param name="metadata">The file's metadata; keys starting with <c>convnet.</c> other than the description's are ignored.</param>
    /// <param name="fallbackName">The name when the metadata has none.</param>
    /// <param name="source">The file, for errors.</param>
    /// <exception cref="InvalidDataException">The class names, test accuracy or properties are invalid.</exception>
    internal static Model FromDescription(INetwork network, IReadOnlyDictionary<string, string> metadata, string fallbackName, string source)
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
            throw new InvalidDataException(
                $"'{source}' has invalid model metadata: {UntrustedText.Reason(exception)}", exception);
        }
    }

    private static string WriteClassNames(IReadOnlyList<string> classNames)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (string name in classNames)
            {
                json.WriteStringValue(name);
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string[] ParseClassNames(string json, string source)
    {
        try
        {
            using var document = UntrustedJson.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Array
                && document.RootElement.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String))
            {
                return [.. document.RootElement.EnumerateArray().Select(item => item.GetString()!)];
            }
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"'{source}' has '{ClassNamesKey}' = {UntrustedText.Cut(json)}; expected a JSON array of strings.", exception);
        }

        throw new InvalidDataException($"'{source}' has '{ClassNamesKey}' = {UntrustedText.Cut(json)}; expected a JSON array of strings.");
    }

    private static double ParseAccuracy(string text, string source) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double accuracy) && accuracy is >= 0 and <= 1
            ? accuracy
            : throw new InvalidDataException($"'{source}' has '{TestAccuracyKey}' = {UntrustedText.Quote(text)}; expected a number in [0, 1].");

    private static string[] DefaultLabels(int classCount) =>
        [.. Enumerable.Range(0, classCount).Select(index => index.ToString(CultureInfo.InvariantCulture))];
}
