namespace ConvNet.Core.Serialization;

/// <summary>One tensor of a safetensors header: its name, shape and byte range within the data section.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="DType">The element type: <see cref="SafeTensorsFormat.Float32"/> or <see cref="SafeTensorsFormat.Int64"/>.</param>
/// <param name="Shape">The dimensions, outermost first, as the file gives them.</param>
/// <param name="Begin">The first byte, relative to the start of the data section.</param>
/// <param name="End">One past the last byte, relative to the start of the data section.</param>
internal sealed record SafeTensorsEntry(string Name, string DType, int[] Shape, long Begin, long End)
{
    /// <summary>The shape formatted like <c>[30, 1, 5, 5]</c>.</summary>
    public string FormattedShape => "[" + string.Join(", ", Shape) + "]";
}
