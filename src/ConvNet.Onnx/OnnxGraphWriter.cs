using System.Runtime.InteropServices;
using ConvNet.Core.Tensors;
using ConvNet.Onnx.Protobuf;
using Google.Protobuf;
using AttributeType = ConvNet.Onnx.Protobuf.AttributeProto.Types.AttributeType;
using DataType = ConvNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace ConvNet.Onnx;

/// <summary>
/// Appends nodes and initializers to an ONNX graph, keeping every value name unique (a layer named like the graph
/// input, or like an earlier value, gets a numbered suffix rather than silently wiring two values together).
/// </summary>
internal sealed class OnnxGraphWriter
{
    private readonly HashSet<string> _valueNames = new(StringComparer.Ordinal);

    public OnnxGraphWriter(string name) => Graph = new GraphProto { Name = name };

    public GraphProto Graph { get; }

    /// <summary>Reserves <paramref name="preferred"/> (or, if taken, <c>preferred_2</c>, <c>preferred_3</c>, …) as a value name.</summary>
    public string NewValueName(string preferred)
    {
        string name = preferred;
        for (int suffix = 2; !_valueNames.Add(name); suffix++)
        {
            name = $"{preferred}_{suffix}";
        }

        return name;
    }

    /// <summary>Adds a float32 initializer holding <paramref name="values"/> with the given dimensions, and returns its name.</summary>
    public string AddInitializer(string preferredName, ReadOnlySpan<float> values, params ReadOnlySpan<long> dimensions)
    {
        // raw_data holds little-endian IEEE floats, which is the memory layout on every platform .NET runs on.
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX stores little-endian floats; this machine is big-endian.");
        }

        string name = NewValueName(preferredName);
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)) };
        foreach (long dimension in dimensions)
        {
            tensor.Dims.Add(dimension);
        }

        Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds a one-dimensional int64 initializer (such as a Pad's pads), and returns its name.</summary>
    public string AddInt64Initializer(string preferredName, params long[] values)
    {
        string name = NewValueName(preferredName);
        Graph.Initializer.Add(new TensorProto { Name = name, DataType = (int)DataType.Int64, Dims = { values.Length }, Int64Data = { values } });
        return name;
    }

    /// <summary>Adds a float32 initializer with the tensor's values and shape, and returns its name.</summary>
    public string AddInitializer(string preferredName, FloatTensor tensor) =>
        AddInitializer(preferredName, tensor.ReadOnlySpan, Array.ConvertAll(tensor.Shape.ToArray(), dimension => (long)dimension));

    /// <summary>Adds a node reading <paramref name="inputs"/> and writing <paramref name="output"/> (a name from <see cref="NewValueName"/>); returns <paramref name="output"/>.</summary>
    public string AddNode(string opType, string nodeName, string output, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = nodeName, Output = { output } };
        node.Input.AddRange(inputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return output;
    }

    /// <summary>Declares a float32 graph input or output [batch, ..dimensions] with a symbolic batch axis.</summary>
    public static ValueInfoProto BatchedFloatValue(string name, ReadOnlySpan<int> itemDimensions)
    {
        var shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimParam = "batch" } } };
        foreach (int dimension in itemDimensions)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dimension });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float, Shape = shape } },
        };
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeType.Float, F = value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Ints(string name, params long[] values) => new() { Name = name, Type = AttributeType.Ints, Ints = { values } };
}
