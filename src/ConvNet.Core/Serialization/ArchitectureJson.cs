using System.Buffers;
using System.Text;
using System.Text.Json;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Serialization;

/// <summary>
/// The architecture of a network as the JSON a model file carries: format version, input shape, every layer's kind,
/// name and hyper-parameters in forward order, and the loss. Reading rebuilds an equal <see cref="Sequential"/>.
/// </summary>
/// <remarks>
/// <code>
/// {"format_version": 1, "input_shape": [1, 28, 28],
///  "layers": [{"kind": "convolution", "name": "conv1", "input_channels": 1, "filters": 30, "kernel_size": [5, 5], "stride": [1, 1], "padding": [0, 0]},
///             {"kind": "relu", "name": "relu1"}, {"kind": "pooling", "name": "pool1", "mode": "max", "pool_size": [2, 2], "stride": [2, 2], "padding": [0, 0]},
///             {"kind": "affine", "name": "affine1", "input_size": 4320, "output_size": 100}, ...],
///  "loss": {"kind": "softmax_cross_entropy"}}
/// </code>
/// Other kinds: <c>batch_normalization</c> (features, momentum, epsilon), <c>dropout</c> (rate), <c>leaky_relu</c> (slope),
/// <c>sigmoid</c>, <c>tanh</c>, <c>flatten</c>. Kernel and pool sizes may differ in height and width; strides and paddings are
/// one number for both axes. A pooling layer without <c>padding</c> (files written before pooling had it) has none. Reading is strict: a newer format version, an unknown kind, a missing or
/// unexpected property, a value out of range, layers that do not chain, or a parameter whose shape differs from the
/// tensor stored under its name are each an <see cref="InvalidDataException"/> naming the layer. Parameter shapes are
/// checked against the file before any layer is built, so a hostile architecture cannot allocate more than the file holds.
/// </remarks>
internal static class ArchitectureJson
{
    /// <summary>The architecture format this library writes and the newest it reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>The kinds of layer the format knows.</summary>
    public static IReadOnlyList<string> LayerKinds { get; } =
        ["convolution", "pooling", "affine", "batch_normalization", "dropout", "relu", "leaky_relu", "sigmoid", "tanh", "flatten"];

    private const string SoftmaxCrossEntropy = "softmax_cross_entropy";

    /// <summary>Whether every layer and the loss of <paramref name="network"/> are of the library's kinds.</summary>
    /// <param name="network">The network.</param>
    /// <param name="problem">Why not, naming the layer, when false.</param>
    public static bool CanDescribe(INetwork network, out string problem)
    {
        foreach (ILayer layer in network.Layers)
        {
            if (KindOf(layer) is null)
            {
                problem = $"layer '{layer.Name}' is a {layer.GetType().FullName}, which a model file cannot describe (it knows the library's layers: {string.Join(", ", LayerKinds)})";
                return false;
            }
        }

        if (network.LossLayer is not SoftmaxWithLoss)
        {
            problem = $"its loss is a {network.LossLayer.GetType().FullName}; a model file describes {nameof(SoftmaxWithLoss)} only";
            return false;
        }

        problem = "";
        return true;
    }

    /// <summary>The JSON of <paramref name="network"/>'s architecture.</summary>
    /// <exception cref="ArgumentException">A layer or the loss is not one of the library's (see <see cref="CanDescribe"/>).</exception>
    public static string Write(INetwork network)
    {
        if (!CanDescribe(network, out string problem))
        {
            throw new ArgumentException($"The network cannot be described: {problem}.", nameof(network));
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("format_version", FormatVersion);
            WriteArray(json, "input_shape", network.InputShape.ToArray());
            json.WriteStartArray("layers");
            foreach (ILayer layer in network.Layers)
            {
                json.WriteStartObject();
                json.WriteString("kind", KindOf(layer));
                json.WriteString("name", layer.Name);
                WriteHyperParameters(json, layer);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartObject("loss");
            json.WriteString("kind", SoftmaxCrossEntropy);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Builds the network <paramref name="json"/> describes, with zero weights.</summary>
    /// <param name="json">The architecture.</param>
    /// <param name="tensorShapes">The shape of every tensor in the file, by name; each parameter must be there with the shape its layer needs.</param>
    /// <param name="source">The file or stream, for messages.</param>
    /// <exception cref="InvalidDataException">The architecture is malformed, of a newer version, unknown or inconsistent (see the remarks).</exception>
    public static Sequential Read(string json, IReadOnlyDictionary<string, int[]> tensorShapes, string source)
    {
        JsonDocument document;
        try
        {
            document = UntrustedJson.Parse(json);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"'{source}' has an architecture that is not valid JSON ({exception.Message}).", exception);
        }

        using (document)
        {
            var root = new StrictObject(document.RootElement, "the architecture", source);
            int version = root.Int("format_version", minimum: 1);
            if (version > FormatVersion)
            {
                throw new InvalidDataException(
                    $"'{source}' has architecture format version {version}; this library reads versions up to {FormatVersion} (a newer ConvNet wrote it).");
            }

            int[] inputShape = root.Ints("input_shape", minimum: 1);
            if (inputShape.Length is < 1 or > TensorShape.MaxRank - 1)
            {
                throw new InvalidDataException($"'{source}' has an input shape of rank {inputShape.Length}; expected rank 1 to {TensorShape.MaxRank - 1}.");
            }

            var layers = new List<ILayer>();
            foreach (JsonElement element in root.Array("layers"))
            {
                var layer = new StrictObject(element, $"layer {layers.Count + 1}", source);
                layers.Add(ReadLayer(layer, layers.Count, tensorShapes));
                layer.RejectOthers();
            }

            var loss = new StrictObject(root.Object("loss"), "the loss", source);
            string lossKind = loss.String("kind");
            if (lossKind != SoftmaxCrossEntropy)
            {
                throw new InvalidDataException($"'{source}' has loss kind {UntrustedText.Quote(lossKind)}; this library knows '{SoftmaxCrossEntropy}'.");
            }

            loss.RejectOthers();
            root.RejectOthers();
            try
            {
                return new Sequential(CheckedShape(inputShape, source), layers, new SoftmaxWithLoss());
            }
            catch (ArgumentException exception)
            {
                throw new InvalidDataException(
                    $"'{source}' describes layers that do not fit together: {UntrustedText.Reason(exception)}", exception);
            }
        }
    }

    private static string? KindOf(ILayer layer) => layer switch
    {
        Convolution => "convolution",
        Pooling => "pooling",
        Affine => "affine",
        BatchNormalization => "batch_normalization",
        Dropout => "dropout",
        Relu => "relu",
        LeakyRelu => "leaky_relu",
        Sigmoid => "sigmoid",
        Tanh => "tanh",
        Flatten => "flatten",
        _ => null,
    };

    private static void WriteHyperParameters(Utf8JsonWriter json, ILayer layer)
    {
        switch (layer)
        {
            case Convolution convolution:
                json.WriteNumber("input_channels", convolution.InputChannels);
                json.WriteNumber("filters", convolution.FilterCount);
                WriteArray(json, "kernel_size", [convolution.KernelHeight, convolution.KernelWidth]);
                WriteArray(json, "stride", [convolution.Stride, convolution.Stride]);
                WriteArray(json, "padding", [convolution.Padding, convolution.Padding]);
                break;
            case Pooling pooling:
                json.WriteString("mode", pooling.Mode == PoolingMode.Max ? "max" : "average");
                WriteArray(json, "pool_size", [pooling.PoolHeight, pooling.PoolWidth]);
                WriteArray(json, "stride", [pooling.Stride, pooling.Stride]);
                WriteArray(json, "padding", [pooling.Padding, pooling.Padding]);
                break;
            case Affine affine:
                json.WriteNumber("input_size", affine.InputSize);
                json.WriteNumber("output_size", affine.OutputSize);
                break;
            case BatchNormalization normalization:
                json.WriteNumber("features", normalization.FeatureCount);
                json.WriteNumber("momentum", normalization.Momentum);
                json.WriteNumber("epsilon", normalization.Epsilon);
                break;
            case Dropout dropout:
                json.WriteNumber("rate", dropout.Rate);
                break;
            case LeakyRelu leaky:
                json.WriteNumber("slope", leaky.Slope);
                break;
        }
    }

    private static ILayer ReadLayer(StrictObject layer, int index, IReadOnlyDictionary<string, int[]> tensorShapes)
    {
        string kind = layer.String("kind");
        string name = layer.String("name");
        layer.Where = $"layer {index + 1} ({UntrustedText.Quote(name)})";
        try
        {
            switch (kind)
            {
                case "convolution":
                {
                    int channels = layer.Int("input_channels", minimum: 1);
                    int filters = layer.Int("filters", minimum: 1);
                    (int Height, int Width) kernel = layer.Pair("kernel_size", minimum: 1);
                    int stride = layer.Square("stride", minimum: 1);
                    int padding = layer.Square("padding", minimum: 0);
                    layer.RequireTensor(tensorShapes, "weight", [filters, channels, kernel.Height, kernel.Width]);
                    layer.RequireTensor(tensorShapes, "bias", [filters]);
                    return new Convolution(name, channels, filters, kernel, stride, padding);
                }

                case "pooling":
                {
                    string mode = layer.String("mode");
                    PoolingMode poolingMode = mode switch
                    {
                        "max" => PoolingMode.Max,
                        "average" => PoolingMode.Average,
                        _ => throw layer.Invalid($"has pooling mode {UntrustedText.Quote(mode)}; expected 'max' or 'average'"),
                    };
                    // Files written before pooling had padding have no "padding": they mean 0.
                    int padding = layer.Has("padding") ? layer.Square("padding", minimum: 0) : 0;
                    return new Pooling(name, layer.Pair("pool_size", minimum: 1), layer.Square("stride", minimum: 1), poolingMode, padding);
                }

                case "affine":
                {
                    int inputSize = layer.Int("input_size", minimum: 1);
                    int outputSize = layer.Int("output_size", minimum: 1);
                    layer.RequireTensor(tensorShapes, "weight", [inputSize, outputSize]);
                    layer.RequireTensor(tensorShapes, "bias", [outputSize]);
                    return new Affine(name, inputSize, outputSize);
                }

                case "batch_normalization":
                {
                    int features = layer.Int("features", minimum: 1);
                    foreach (string tensor in (ReadOnlySpan<string>)["gamma", "beta", "running_mean", "running_variance"])
                    {
                        layer.RequireTensor(tensorShapes, tensor, [features]);
                    }

                    return new BatchNormalization(name, features, layer.Float("momentum"), layer.Float("epsilon"));
                }

                case "dropout":
                    // The mask generator's state is not saved: a loaded network draws new masks if trained further.
                    return new Dropout(name, layer.Float("rate"), seed: index);
                case "relu":
                    return new Relu(name);
                case "leaky_relu":
                    return new LeakyRelu(name, layer.Float("slope"));
                case "sigmoid":
                    return new Sigmoid(name);
                case "tanh":
                    return new Tanh(name);
                case "flatten":
                    return new Flatten(name);
                default:
                    throw layer.Invalid($"has kind {UntrustedText.Quote(kind)}, which this library does not know (known kinds: {string.Join(", ", LayerKinds)})");
            }
        }
        catch (ArgumentException exception)
        {
            throw layer.Invalid($"has an invalid hyper-parameter: {UntrustedText.Reason(exception)}");
        }
    }

    private static TensorShape CheckedShape(int[] dimensions, string source)
    {
        try
        {
            return new TensorShape(dimensions);
        }
        catch (ArgumentException exception)
        {
            throw new InvalidDataException($"'{source}' has an invalid input shape: {UntrustedText.Reason(exception)}", exception);
        }
    }

    private static void WriteArray(Utf8JsonWriter json, string name, ReadOnlySpan<int> values)
    {
        json.WriteStartArray(name);
        foreach (int value in values)
        {
            json.WriteNumberValue(value);
        }

        json.WriteEndArray();
    }

    /// <summary>A JSON object read strictly: every property must have the expected type and every property must be used.</summary>
    private sealed class StrictObject
    {
        private readonly JsonElement _element;
        private readonly string _source;
        private readonly HashSet<string> _used = new(StringComparer.Ordinal);

        public StrictObject(JsonElement element, string where, string source)
        {
            _source = source;
            Where = where;
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"is a JSON {element.ValueKind}, not an object");
            }

            _element = element;
        }

        /// <summary>What messages call this object, such as <c>layer 3 ('pool1')</c>.</summary>
        public string Where { get; set; }

        public string String(string key)
        {
            JsonElement value = Get(key);
            return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
                ? text
                : throw Invalid($"has '{key}' = {value}; expected a non-empty string");
        }

        public int Int(string key, int minimum)
        {
            JsonElement value = Get(key);
            return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) && number >= minimum
                ? number
                : throw Invalid($"has '{key}' = {value}; expected an integer of at least {minimum}");
        }

        public float Float(string key)
        {
            JsonElement value = Get(key);
            return value.ValueKind == JsonValueKind.Number && value.TryGetSingle(out float number) && float.IsFinite(number)
                ? number
                : throw Invalid($"has '{key}' = {value}; expected a finite number");
        }

        public int[] Ints(string key, int minimum)
        {
            JsonElement value = Get(key);
            if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() <= TensorShape.MaxRank)
            {
                var numbers = new int[value.GetArrayLength()];
                int index = 0;
                foreach (JsonElement item in value.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out numbers[index]) || numbers[index] < minimum)
                    {
                        break;
                    }

                    index++;
                }

                if (index == numbers.Length)
                {
                    return numbers;
                }
            }

            throw Invalid($"has '{key}' = {value}; expected an array of up to {TensorShape.MaxRank} integers of at least {minimum}");
        }

        /// <summary>A [height, width] pair.</summary>
        public (int Height, int Width) Pair(string key, int minimum)
        {
            int[] pair = Ints(key, minimum);
            return pair.Length == 2
                ? (pair[0], pair[1])
                : throw Invalid($"has '{key}' = [{string.Join(", ", pair)}]; expected [height, width]");
        }

        /// <summary>A [height, width] pair of a setting the layers take as one number for both axes, so both must be equal.</summary>
        public int Square(string key, int minimum)
        {
            (int height, int width) = Pair(key, minimum);
            return height == width
                ? height
                : throw Invalid($"has '{key}' = [{height}, {width}]; expected height = width (this library's layers use one {key} for both axes)");
        }

        /// <summary>Whether the object has <paramref name="key"/> (for properties that older files leave out).</summary>
        public bool Has(string key) => _element.TryGetProperty(key, out _);

        public JsonElement.ArrayEnumerator Array(string key)
        {
            JsonElement value = Get(key);
            return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : throw Invalid($"has '{key}' = {value}; expected an array");
        }

        public JsonElement Object(string key) => Get(key);

        /// <summary>Checks that the file stores <c>name.tensor</c> with <paramref name="shape"/>.</summary>
        public void RequireTensor(IReadOnlyDictionary<string, int[]> tensorShapes, string tensor, int[] shape)
        {
            string fullName = $"{String("name")}.{tensor}";
            if (!tensorShapes.TryGetValue(fullName, out int[]? stored))
            {
                throw Invalid($"needs tensor '{fullName}' [{string.Join(", ", shape)}], which the file does not hold");
            }

            if (!stored.AsSpan().SequenceEqual(shape))
            {
                throw Invalid($"needs tensor '{fullName}' [{string.Join(", ", shape)}] but the file stores it as [{string.Join(", ", stored)}]");
            }
        }

        /// <summary>Fails on a property no reader asked for (a newer writer's, or a typo).</summary>
        public void RejectOthers()
        {
            foreach (JsonProperty property in _element.EnumerateObject())
            {
                if (!_used.Contains(property.Name))
                {
                    throw Invalid($"has property {UntrustedText.Quote(property.Name)}, which this library does not know");
                }
            }
        }

        /// <summary>An error naming the file and this object; the problem quotes the file's values, so it is cut short.</summary>
        public InvalidDataException Invalid(string problem) => new($"'{_source}': {Where} {UntrustedText.Cut(problem, UntrustedText.MaxProblemLength)}.");

        private JsonElement Get(string key)
        {
            _used.Add(key);
            return _element.TryGetProperty(key, out JsonElement value) ? value : throw Invalid($"has no '{key}'");
        }
    }
}
