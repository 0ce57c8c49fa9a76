using System.Reflection;
using ConvNet.Core.Layers;
using ConvNet.Core.Models;
using ConvNet.Core.Networks;
using ConvNet.Core.Serialization;
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
/// identity at inference) and Flatten (a zero-padded max pool as MaxPool, then Max by a mask of its border windows:
/// MaxPool's own pads are −∞); initializers carry the checkpoint's names (<c>conv1.weight</c>, …). A layer
/// with no ONNX form is an error, never a silently different model. The graph's name is the model name; the metadata
/// holds it too (<c>convnet.name</c>), with <see cref="VersionKey"/> (the ConvNet.Core version that wrote it) and, for a
/// <see cref="Model"/>, its class names, test accuracy and properties under the keys its own files use.
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
    public const string VersionKey = OnnxModelMetadata.VersionKey;

    /// <summary>The ONNX IR version that goes with opset 17.</summary>
    private const long IrVersion = 8;

    /// <summary>Writes <paramref name="network"/> as an ONNX model to <paramref name="path"/>, replacing the file.</summary>
    /// <param name="network">The network to export; its inference form is written (dropout off, batch normalization on running statistics).</param>
    /// <param name="path">The file to write (conventionally <c>.onnx</c>); its folder must exist. Written to a temporary file first and renamed.</param>
    /// <param name="options">Name, description, metadata and the optional probabilities output; null for the defaults.</param>
    /// <exception cref="NotSupportedException">A layer has no ONNX form (the message names it).</exception>
    /// <exception cref="ArgumentException">A metadata key is empty or starts with <c>convnet.</c>, or the model name is blank.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    public static void Save(INetwork network, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        WriteFile(ToModel(network, null, options ?? new OnnxExportOptions()), path);
    }

    /// <summary>Writes <paramref name="network"/> as an ONNX model to <paramref name="stream"/> (which stays open).</summary>
    /// <param name="network">The network to export, in its inference form.</param>
    /// <param name="stream">A writable stream; the model's bytes are written at its position.</param>
    /// <param name="options">Name, description, metadata and the optional probabilities output; null for the defaults.</param>
    /// <exception cref="NotSupportedException">A layer has no ONNX form (the message names it).</exception>
    /// <exception cref="ArgumentException">A metadata key is empty or starts with <c>convnet.</c>, the model name is blank, or the stream is not writable.</exception>
    public static void Save(INetwork network, Stream stream, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        WriteStream(ToModel(network, null, options ?? new OnnxExportOptions()), stream);
    }

    /// <summary>
    /// Writes <paramref name="model"/>'s network as an ONNX model to <paramref name="path"/>, replacing the file, with the
    /// model's name, class names, test accuracy and properties in the ONNX metadata (under the keys its own files use).
    /// </summary>
    /// <param name="model">The model to export, for example from <see cref="Model.Load(string)"/>.</param>
    /// <param name="path">The file to write (conventionally <c>.onnx</c>); its folder must exist. Written to a temporary file first and renamed.</param>
    /// <param name="options">Another name, a description, more metadata and the optional probabilities output; null for the defaults.</param>
    /// <exception cref="NotSupportedException">A layer has no ONNX form (the message names it).</exception>
    /// <exception cref="ArgumentException">A metadata key is empty or starts with <c>convnet.</c>, or the model name is blank.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    public static void Save(Model model, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        WriteFile(ToModel(model.Network, model, options ?? new OnnxExportOptions()), path);
    }

    /// <summary>Writes <paramref name="model"/>'s network and description as an ONNX model to <paramref name="stream"/> (which stays open).</summary>
    /// <param name="model">The model to export.</param>
    /// <param name="stream">A writable stream; the model's bytes are written at its position.</param>
    /// <param name="options">Another name, a description, more metadata and the optional probabilities output; null for the defaults.</param>
    /// <exception cref="NotSupportedException">A layer has no ONNX form (the message names it).</exception>
    /// <exception cref="ArgumentException">A metadata key is empty or starts with <c>convnet.</c>, the model name is blank, or the stream is not writable.</exception>
    public static void Save(Model model, Stream stream, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        WriteStream(ToModel(model.Network, model, options ?? new OnnxExportOptions()), stream);
    }

    /// <summary>The ONNX model of <paramref name="network"/>, built in memory; <paramref name="description"/> names and describes it when given.</summary>
    internal static ModelProto ToModel(INetwork network, Model? description, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string name = options.ModelName ?? description?.Name ?? "convnet";
        ArgumentException.ThrowIfNullOrWhiteSpace(name, nameof(options));
        string version = LibraryVersion();
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = OpsetVersion } },
            ProducerName = "ConvNet",
            ProducerVersion = version,
            Graph = ToGraph(network, name, options.IncludeProbabilities),
        };
        if (options.Description is not null)
        {
            model.DocString = options.Description;
        }

        foreach (var (key, value) in OnnxModelMetadata.Write(name, version, description, options))
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model;
    }

    private static void WriteStream(ModelProto model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream is not writable.", nameof(stream));
        }

        model.WriteTo(stream);
    }

    private static void WriteFile(ModelProto model, string path) => AtomicFile.Write(path, model.WriteTo);

    private static GraphProto ToGraph(INetwork network, string name, bool includeProbabilities)
    {
        var graph = new OnnxGraphWriter(name);
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
        if (includeProbabilities)
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
