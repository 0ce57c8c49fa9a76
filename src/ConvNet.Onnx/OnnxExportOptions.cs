namespace ConvNet.Onnx;

/// <summary>What <see cref="OnnxExport"/> writes besides the network itself.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>
    /// The model's name, stored as the graph's name (ONNX Runtime's <c>ModelMetadata.GraphName</c>) and under
    /// <c>convnet.name</c>; null for the <see cref="Core.Models.Model.Name"/> of an exported model, or <c>convnet</c> for a bare network.
    /// </summary>
    public string? ModelName { get; init; }

    /// <summary>
    /// True to add a second output, <see cref="OnnxExport.ProbabilitiesName"/> [batch, classes], the softmax of the scores,
    /// for servers whose clients want probabilities; the scores output is always there.
    /// </summary>
    public bool IncludeProbabilities { get; init; }

    /// <summary>A human-readable description stored as the model's doc string; null for none.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// Extra string pairs stored in the model's metadata (ONNX Runtime's <c>ModelMetadata.CustomMetadataMap</c>), beside an
    /// exported model's own properties; null for none. Keys starting with <c>convnet.</c> are the library's.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
