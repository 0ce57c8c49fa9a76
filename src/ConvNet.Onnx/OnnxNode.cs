using ConvNet.Core.Serialization;
using ConvNet.Onnx.Protobuf;
using AttributeType = ConvNet.Onnx.Protobuf.AttributeProto.Types.AttributeType;

namespace ConvNet.Onnx;

/// <summary>
/// One node of an ONNX graph being imported: typed access to its attributes and constant inputs, and errors that
/// name the file and the node ("'model.onnx': node 3 '/conv1/Conv' (Conv): …").
/// </summary>
internal sealed class OnnxNode
{
    private readonly IReadOnlyDictionary<string, TensorProto> _constants;
    private readonly string _source;

    public OnnxNode(NodeProto proto, int index, IReadOnlyDictionary<string, TensorProto> constants, string source)
    {
        Proto = proto;
        Index = index;
        _constants = constants;
        _source = source;
    }

    public NodeProto Proto { get; }

    /// <summary>The node's position in the graph's node list, counted from 0.</summary>
    public int Index { get; }

    public string OpType => Proto.OpType;

    /// <summary>The node's first output: the value the next node reads.</summary>
    public string Output => Proto.Output.Count > 0 ? Proto.Output[0] : throw Error("it has no output");

    /// <summary>An error naming the file and this node.</summary>
    public InvalidDataException Error(string problem) =>
        new($"'{_source}' cannot be imported: node {Index} {UntrustedText.Quote(Proto.Name)} ({UntrustedText.Cut(Proto.OpType)}): {UntrustedText.Cut(problem, UntrustedText.MaxProblemLength)}.");

    /// <summary>Throws if the node has an attribute outside <paramref name="known"/>: an attribute the importer does not
    /// read could change what the node computes.</summary>
    public void RequireKnownAttributes(params string[] known)
    {
        foreach (AttributeProto attribute in Proto.Attribute)
        {
            if (!known.Contains(attribute.Name, StringComparer.Ordinal))
            {
                throw Error($"attribute '{attribute.Name}' is not supported" +
                    (known.Length > 0 ? $" (this operator may have {string.Join(", ", known)})" : " (this operator may have none)"));
            }
        }
    }

    public bool HasAttribute(string name) => Find(name) is not null;

    public long Int(string name, long defaultValue) =>
        Find(name, AttributeType.Int) is { } attribute ? attribute.I : defaultValue;

    public float Float(string name, float defaultValue) =>
        Find(name, AttributeType.Float) is { } attribute ? attribute.F : defaultValue;

    public string String(string name, string defaultValue) =>
        Find(name, AttributeType.String) is { } attribute ? attribute.S.ToStringUtf8() : defaultValue;

    public long[] Ints(string name, long[] defaultValue) =>
        Find(name, AttributeType.Ints) is { } attribute ? [.. attribute.Ints] : defaultValue;

    public TensorProto Tensor(string name) =>
        Find(name, AttributeType.Tensor)?.T ?? throw Error($"attribute '{name}' is missing");

    /// <summary>Whether input <paramref name="index"/> is given (ONNX leaves optional inputs out or names them "").</summary>
    public bool HasInput(int index) => index < Proto.Input.Count && Proto.Input[index].Length > 0;

    /// <summary>The constant tensor (initializer or Constant node output) that input <paramref name="index"/> names.</summary>
    public TensorProto ConstantInput(int index, string role)
    {
        if (!HasInput(index))
        {
            throw Error($"the {role} (input {index}) is missing");
        }

        string name = Proto.Input[index];
        return _constants.TryGetValue(name, out TensorProto? tensor)
            ? tensor
            : throw Error($"the {role} '{name}' is computed by the graph; only constant {role}s (initializers) are supported");
    }

    /// <summary>The float values of constant input <paramref name="index"/>, checked against <paramref name="expectedShape"/>.</summary>
    public float[] FloatInput(int index, string role, params int[] expectedShape)
    {
        TensorProto tensor = ConstantInput(index, role);
        int[] shape = OnnxTensorData.Dimensions(tensor, Error);
        if (!shape.AsSpan().SequenceEqual(expectedShape))
        {
            throw Error($"the {role} '{tensor.Name}' is [{string.Join(", ", shape)}]; expected [{string.Join(", ", expectedShape)}]");
        }

        return OnnxTensorData.Floats(tensor, Error);
    }

    /// <summary>The dimensions of constant input <paramref name="index"/>.</summary>
    public int[] InputShape(int index, string role) => OnnxTensorData.Dimensions(ConstantInput(index, role), Error);

    private AttributeProto? Find(string name) => Proto.Attribute.FirstOrDefault(attribute => attribute.Name == name);

    private AttributeProto? Find(string name, AttributeType type)
    {
        AttributeProto? attribute = Find(name);
        if (attribute is not null && attribute.HasType && attribute.Type != type)
        {
            throw Error($"attribute '{name}' is {attribute.Type.ToString().ToUpperInvariant()}; expected {type.ToString().ToUpperInvariant()}");
        }

        return attribute;
    }
}
