namespace ConvNet.Core.Serialization;

/// <summary>The validated header of a safetensors file.</summary>
/// <param name="Entries">The tensors, in data order (ascending offsets).</param>
/// <param name="Metadata">The <c>__metadata__</c> map (empty if the file has none).</param>
/// <param name="DataStart">The file position of the data section (8 + header length).</param>
internal sealed record SafeTensorsHeader(
    IReadOnlyList<SafeTensorsEntry> Entries,
    IReadOnlyDictionary<string, string> Metadata,
    long DataStart);
