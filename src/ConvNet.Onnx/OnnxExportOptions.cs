namespace ConvNet.Onnx;

/// <summary>What <see cref="OnnxExport"/> writes besides the network itself.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>The model's name, stored as the graph's name (ONNX Runtime's <c>ModelMetadata.GraphName</c>); <c>convnet</c> by default.</summary>
    public string ModelName { get; init; } = "convnet";

    /// <summary>
    /// True to add a second output, <see cref="OnnxExport.ProbabilitiesName"/> [batch, classes], the softmax of the scores,
    /// for servers whose clients want probabilities; the scores output is always there.
    /// </summary>
    public bool IncludeProbabilities { get; init; }

    /// <summary>A human-readable description stored as the model's doc string; null for none.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// Extra string pairs stored in the model's metadata (ONNX Runtime's <c>ModelMetadata.CustomMetadataMap</c>), such as
    /// class names or a test accuracy; null for none. The key <see cref="OnnxExport.VersionKey"/> is reserved.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
