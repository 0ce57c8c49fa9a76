using System.Reflection;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;
using ConvNet.Onnx.Protobuf;
using Google.Protobuf;
using static ConvNet.Onnx.OnnxGraphWriter;

namespace ConvNet.Onnx;

/// <summary>
/// Saves a ConvNet network as an ONNX model that computes the same class scores, for ONNX Runtime, Triton and any
/// other engine that reads ONNX (opset <see cref="OpsetVersion"/>).
/// </summary>
/// <remarks>
/// The model has one input, <see cref="InputName"/> [batch, ..<see cref="INetwork.InputShape"/>] float32, whose batch
/// axis is symbolic (any batch size), and the output <see cref="ScoresName"/> [batch, classes]: the scores
/// <see cref="INetwork.Predict"/> returns, before softmax. <see cref="OnnxExportOptions.IncludeProbabilities"/> adds
/// <see cref="ProbabilitiesName"/>. Layers become Conv, MaxPool/AveragePool, Gemm (after a Flatten for image input),
/// Relu, LeakyRelu, Sigmoid, Tanh, BatchNormalization (inference form with the running statistics), Dropout (the
/// identity at inference) and Flatten; initializers carry the checkpoint's names (<c>conv1.weight</c>, …). A layer
/// with no ONNX form is an error, never a silently different model. The graph's name is the model name; the metadata
/// holds <see cref="VersionKey"/>, the ConvNet.Core version that wrote it.
/// </remarks>
public static class OnnxExport
{
    /// <summary>The ONNX operator set the exported models use.</summary>
    public const int OpsetVersion = 17;

    /// <summary>The name of the model's input.</summary>
    public const string InputName = "input";

    /// <summary>The name of the class-score output.</summary>
    public const string ScoresName = "scores";

    /// <summary>The name of the optional softmax output (see <see cref="OnnxExportOptions.IncludeProbabilities"/>).</summary>
    public const string ProbabilitiesName = "probabilities";

    /// <summary>The metadata key holding the version of ConvNet.Core that exported the model.</summary>
    public const string VersionKey = "convnet.version";

    /// <summary>The ONNX IR version that goes with opset 17.</summary>
    private const long IrVersion = 8;

    /// <summary>Writes <paramref name="network"/> as an ONNX model to <paramref name="path"/>, replacing the file.</summary>
    /// <param name="network">The network to export; its inference form is written (dropout off, batch normalization on running statistics).</param>
    /// <param name="path">The file to write (conventionally <c>.onnx</c>); its folder must exist. Written to a temporary file first and renamed.</param>
    /// <param name="options">Name, description, metadata and the optional probabilities output; null for the defaults.</param>
    /// <exception cref="NotSupportedException">A layer has no ONNX form (the message names it).</exception>
    /// <exception cref="ArgumentException">The metadata uses the reserved <see cref="VersionKey"/>, or the model name is blank.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    public static void Save(INetwork network, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ModelProto model = ToModel(network, options ?? new OnnxExportOptions());
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath) ?? ".";
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Cannot save ONNX model '{path}': the folder '{folder}' does not exist.");
        }

        string temporaryPath = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                model.WriteTo(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporaryPath, fullPath, overwrite: true);
        }
        finally
        {
            File.Delete(temporaryPath);
        }
    }

    /// <summary>Writes <paramref name="network"/> as an ONNX model to <paramref name="stream"/> (which stays open).</summary>
    /// <param name="network">The network to export, in its inference form.</param>
    /// <param name="stream">A writable stream; the model's bytes are written at its position.</param>
    /// <param name="options">Name, description, metadata and the optional probabilities output; null for the defaults.</param>
    /// <exception cref="NotSupportedException">A layer has no ONNX form (the message names it).</exception>
    /// <exception cref="ArgumentException">The metadata uses the reserved <see cref="VersionKey"/>, the model name is blank, or the stream is not writable.</exception>
    public static void Save(INetwork network, Stream stream, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream is not writable.", nameof(stream));
        }

        ToModel(network, options ?? new OnnxExportOptions()).WriteTo(stream);
    }

    /// <summary>The ONNX model of <paramref name="network"/>, built in memory.</summary>
    internal static ModelProto ToModel(INetwork network, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ModelName, nameof(options));
        string version = LibraryVersion();
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = OpsetVersion } },
            ProducerName = "ConvNet",
            ProducerVersion = version,
            Graph = ToGraph(network, options),
            MetadataProps = { new StringStringEntryProto { Key = VersionKey, Value = version } },
        };
        if (options.Description is not null)
        {
            model.DocString = options.Description;
        }

        foreach (var (key, value) in options.Metadata ?? new Dictionary<string, string>())
        {
            if (key == VersionKey)
            {
                throw new ArgumentException($"The metadata key '{VersionKey}' is reserved for the library version.", nameof(options));
            }

            model.MetadataProps.Add(new StringStringEntryProto
            {
                Key = key,
                Value = value ?? throw new ArgumentException($"Metadata '{key}' is null.", nameof(options)),
            });
        }

        return model;
    }

    private static GraphProto ToGraph(INetwork network, OnnxExportOptions options)
    {
        var graph = new OnnxGraphWriter(options.ModelName);
        string value = graph.NewValueName(InputName);
        string scores = graph.NewValueName(ScoresName);
        string probabilities = graph.NewValueName(ProbabilitiesName);   // reserved even when unused, so no layer takes it
        graph.Graph.Input.Add(BatchedFloatValue(value, network.InputShape.ToArray()));

        // Shapes for a batch of one, so each layer knows its input's rank (Affine on images needs a Flatten first).
        int[] batchOfOne = [1, .. network.InputShape.ToArray()];
        TensorShape shape = new(batchOfOne);
        IReadOnlyList<ILayer> layers = network.Layers;
        for (int i = 0; i < layers.Count; i++)
        {
            string output = i == layers.Count - 1 ? scores : graph.NewValueName(layers[i].Name);
            value = LayerExporter.Export(layers[i], shape, value, output, graph);
            shape = layers[i].GetOutputShape(shape);
        }

        graph.Graph.Output.Add(BatchedFloatValue(value, [network.ClassCount]));
        if (options.IncludeProbabilities)
        {
            graph.AddNode("Softmax", "softmax", probabilities, [value], Int("axis", 1));
            graph.Graph.Output.Add(BatchedFloatValue(probabilities, [network.ClassCount]));
        }

        return graph.Graph;
    }

    private static string LibraryVersion()
    {
        Assembly core = typeof(INetwork).Assembly;
        return core.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? core.GetName().Version?.ToString()
            ?? "unknown";
    }
}
