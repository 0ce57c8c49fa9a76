using ConvNet.Core.Models;
using ConvNet.Core.Networks;
using ConvNet.Core.Serialization;
using ConvNet.Onnx.Protobuf;
using Google.Protobuf;

namespace ConvNet.Onnx;

/// <summary>
/// Loads an ONNX model whose graph is a chain of the operators ConvNet's layers compute — a PyTorch model exported
/// with <c>torch.onnx.export</c>, or a file <see cref="OnnxExport"/> wrote — as a <see cref="Sequential"/> network that
/// predicts the same scores and can be trained further.
/// </summary>
/// <remarks>
/// <para>Operators: Conv (any kernel size, equal strides and pads on every side, no dilation or groups), MaxPool and
/// AveragePool (any window, equal strides, floor rounding; padding as zeros that take part in the window: AveragePool's
/// own pads with count_include_pad 1, a Pad by zeros before the pool, or — as <see cref="OnnxExport"/> writes a padded
/// max pool — MaxPool's own pads followed by Max with the border mask), GlobalAveragePool on square images, Gemm or MatMul + Add
/// (the fully connected layer, any transB, alpha and beta folded into the weights), Relu, LeakyRelu (slope in [0, 1)),
/// Sigmoid, Tanh, BatchNormalization (inference form), Dropout, Flatten, a Reshape that flattens to [batch, features],
/// a Pad that adds nothing, Identity and Constant. A last Softmax or LogSoftmax is left to the network's <see cref="Core.Layers.SoftmaxWithLoss"/>:
/// <see cref="INetwork.Predict"/> returns the scores it reads, whose softmax is the model's probabilities.</para>
/// <para>Anything else — another operator or domain, an attribute that changes the computation (dilation, groups,
/// asymmetric padding, ceil rounding, …), a branch or skip connection, weights that are computed, of another type, not
/// finite or stored outside the file — is an <see cref="InvalidDataException"/> naming the file and the node. Layers are named
/// like <see cref="SequentialBuilder"/> names them (conv1, bn1, relu1, …), so checkpoints of the imported network
/// read like the library's own.</para>
/// </remarks>
public static class OnnxImport
{
    /// <summary>The oldest operator set the importer reads (the operators' meanings it relies on hold from there on).</summary>
    public const int MinimumOpsetVersion = 7;

    /// <summary>Loads the ONNX model in <paramref name="path"/> as a network.</summary>
    /// <param name="path">An <c>.onnx</c> file with its weights inside.</param>
    /// <param name="seed">Seeds the dropout masks of later training; the weights all come from the file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not an ONNX model (or is empty, a folder, a pipe or a device), holds a NaN or
    /// infinite weight, or the model uses something ConvNet cannot compute (the message names the node).</exception>
    public static Sequential Load(string path, int seed = 0) => ToNetwork(ReadFile(path), path, seed);

    /// <summary>Loads an ONNX model from <paramref name="stream"/> (read to its end, left open) as a network.</summary>
    /// <param name="stream">A readable stream positioned at the model's first byte.</param>
    /// <param name="sourceName">What error messages call the model, such as its file or resource name.</param>
    /// <param name="seed">Seeds the dropout masks of later training; the weights all come from the model.</param>
    /// <exception cref="InvalidDataException">The bytes are not an ONNX model, hold a NaN or infinite weight, or the model uses something ConvNet cannot compute (the message names the node).</exception>
    public static Sequential Load(Stream stream, string sourceName = "ONNX model", int seed = 0) =>
        ToNetwork(ReadStream(stream, sourceName), sourceName, seed);

    /// <summary>
    /// Loads the ONNX model in <paramref name="path"/> as a <see cref="Model"/>: the network, and the name, class names,
    /// test accuracy and properties that <see cref="OnnxExport"/> stored (a model from elsewhere is named after its graph).
    /// </summary>
    /// <param name="path">An <c>.onnx</c> file with its weights inside.</param>
    /// <param name="seed">Seeds the dropout masks of later training.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">As for <see cref="Load(string, int)"/>, or the model metadata is invalid.</exception>
    public static Model LoadModel(string path, int seed = 0) => ToDescribedModel(ReadFile(path), path, seed);

    /// <summary>Loads an ONNX model from <paramref name="stream"/> (read to its end, left open) as a <see cref="Model"/>.</summary>
    /// <param name="stream">A readable stream positioned at the model's first byte.</param>
    /// <param name="sourceName">What error messages call the model.</param>
    /// <param name="seed">Seeds the dropout masks of later training.</param>
    /// <exception cref="InvalidDataException">As for <see cref="Load(Stream, string, int)"/>, or the model metadata is invalid.</exception>
    public static Model LoadModel(Stream stream, string sourceName = "ONNX model", int seed = 0) =>
        ToDescribedModel(ReadStream(stream, sourceName), sourceName, seed);

    private static ModelProto ReadFile(string path)
    {
        // A pipe, a device or a folder is refused before it is opened (opening a pipe would block until a writer came).
        using FileStream stream = InputFile.OpenRead(path);
        return ReadStream(stream, path);
    }

    private static ModelProto ReadStream(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        try
        {
            return ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new InvalidDataException($"'{sourceName}' is not an ONNX model: {exception.Message}", exception);
        }
    }

    private static Model ToDescribedModel(ModelProto model, string sourceName, int seed)
    {
        Sequential network = ToNetwork(model, sourceName, seed);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (StringStringEntryProto entry in model.MetadataProps)
        {
            metadata.TryAdd(entry.Key, entry.Value);
        }

        string graphName = string.IsNullOrWhiteSpace(model.Graph.Name) ? "model" : model.Graph.Name;
        return Model.FromDescription(network, metadata, graphName, sourceName);
    }

    /// <summary>The network that computes <paramref name="model"/>'s scores.</summary>
    internal static Sequential ToNetwork(ModelProto model, string sourceName, int seed)
    {
        long opset = model.OpsetImport.Where(entry => entry.Domain is "" or "ai.onnx").Select(entry => entry.Version).DefaultIfEmpty(0).Max();
        if (model.Graph is null || opset == 0)
        {
            throw new InvalidDataException($"'{sourceName}' is not an ONNX model: it has no graph or imports no standard operator set.");
        }

        if (opset < MinimumOpsetVersion)
        {
            throw new InvalidDataException(
                $"'{sourceName}' cannot be imported: it uses operator set {opset}; ConvNet reads {MinimumOpsetVersion} and later (convert it with onnx.version_converter).");
        }

        OnnxGraphChain chain = OnnxGraphChain.Read(model.Graph, sourceName);
        var importer = new OnnxLayerImporter(chain.ItemShape);
        foreach (OnnxNode node in chain.Nodes)
        {
            importer.Add(node);
        }

        try
        {
            return importer.Build(seed);
        }
        catch (ArgumentException exception)
        {
            // The last layer must give [batch, classes]; the builder says what it gives instead.
            throw new InvalidDataException($"'{sourceName}' cannot be imported: {UntrustedText.Reason(exception)}", exception);
        }
    }
}
