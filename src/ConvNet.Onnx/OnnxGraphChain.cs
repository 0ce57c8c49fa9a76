using ConvNet.Core.Serialization;
using ConvNet.Core.Tensors;
using ConvNet.Onnx.Protobuf;
using DataType = ConvNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace ConvNet.Onnx;

/// <summary>
/// The nodes of an ONNX graph as the chain a <c>Sequential</c> network can be: one float input [batch, ..item], each
/// node reading the previous node's output (plus constants), ending in the graph's output, optionally through a last
/// Softmax or LogSoftmax that the importer leaves to the loss. Branches, skips, several inputs and nodes off the
/// path are errors that name the node.
/// </summary>
/// <param name="ItemShape">The shape of one input item, without the batch axis.</param>
/// <param name="Nodes">The nodes that become layers, in order (Constant nodes and a last softmax left out).</param>
internal sealed record OnnxGraphChain(TensorShape ItemShape, IReadOnlyList<OnnxNode> Nodes)
{
    private static readonly string[] SoftmaxOperators = ["Softmax", "LogSoftmax"];

    /// <summary>Reads the chain of <paramref name="graph"/>; <paramref name="source"/> names the file in errors.</summary>
    public static OnnxGraphChain Read(GraphProto graph, string source)
    {
        var constants = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (TensorProto initializer in graph.Initializer)
        {
            if (!constants.TryAdd(initializer.Name, initializer))
            {
                throw Error(source, $"two initializers are named '{initializer.Name}'");
            }
        }

        ValueInfoProto input = DataInput(graph, constants, source);
        TensorShape itemShape = ReadItemShape(input, source);
        var consumed = graph.Node.SelectMany(node => node.Input).ToHashSet(StringComparer.Ordinal);
        var graphOutputs = graph.Output.Select(output => output.Name).ToHashSet(StringComparer.Ordinal);

        var nodes = new List<OnnxNode>();
        string current = input.Name;
        string? softmaxOutput = null;
        for (int index = 0; index < graph.Node.Count; index++)
        {
            var node = new OnnxNode(graph.Node[index], index, constants, source);
            if (node.Proto.Domain is not ("" or "ai.onnx"))
            {
                throw node.Error($"operators of domain '{node.Proto.Domain}' are not supported; only the standard ONNX operators are");
            }

            if (node.OpType == "Constant")
            {
                node.RequireKnownAttributes("value");
                constants[node.Output] = node.Tensor("value");
                continue;
            }

            if (softmaxOutput is not null)
            {
                throw node.Error($"it follows the graph's {graph.Node[index - 1].OpType}, which is supported only as the last node");
            }

            string[] computedInputs = [.. node.Proto.Input.Where(name => name.Length > 0 && !constants.ContainsKey(name))];
            if (computedInputs.Length != 1)
            {
                throw node.Error(
                    $"it reads {computedInputs.Length} computed values ({string.Join(", ", computedInputs)}); only a chain of layers, each reading the one before, can be imported");
            }

            if (computedInputs[0] != current)
            {
                throw node.Error(
                    $"it reads '{computedInputs[0]}' rather than '{current}', the output of the node before it; only a chain of layers (no branches or skip connections) can be imported");
            }

            foreach (string extra in node.Proto.Output.Skip(1).Where(name => name.Length > 0))
            {
                if (consumed.Contains(extra) || graphOutputs.Contains(extra))
                {
                    throw node.Error($"its extra output '{extra}' is used; only the first output of a node is supported");
                }
            }

            if (SoftmaxOperators.Contains(node.OpType))
            {
                // The softmax belongs to the loss (SoftmaxWithLoss): the network ends at the scores it reads.
                node.RequireKnownAttributes("axis");
                softmaxOutput = node.Output;
                continue;
            }

            nodes.Add(node);
            current = node.Output;
        }

        RequireOutputs(graph, current, softmaxOutput, source);
        return new OnnxGraphChain(itemShape, nodes);
    }

    private static ValueInfoProto DataInput(GraphProto graph, Dictionary<string, TensorProto> constants, string source)
    {
        // Models of IR version 3 list every initializer among the inputs too: those are weights, not data.
        ValueInfoProto[] inputs = [.. graph.Input.Where(input => !constants.ContainsKey(input.Name))];
        return inputs.Length == 1
            ? inputs[0]
            : throw Error(source, $"the graph has {inputs.Length} data inputs ({string.Join(", ", inputs.Select(input => input.Name))}); a ConvNet network has one");
    }

    private static TensorShape ReadItemShape(ValueInfoProto input, string source)
    {
        TypeProto.Types.Tensor? tensorType = input.Type?.TensorType;
        if (tensorType is null || tensorType.ElemType != (int)DataType.Float)
        {
            throw Error(source, $"the input '{input.Name}' is not a float32 tensor");
        }

        if (tensorType.Shape is null || tensorType.Shape.Dim.Count is < 2 or > TensorShape.MaxRank)
        {
            throw Error(source,
                $"the input '{input.Name}' must declare a shape [batch, ..item] of rank 2 to {TensorShape.MaxRank}; it declares {(tensorType.Shape is null ? "none" : $"rank {tensorType.Shape.Dim.Count}")}");
        }

        int[] item = new int[tensorType.Shape.Dim.Count - 1];
        for (int axis = 1; axis < tensorType.Shape.Dim.Count; axis++)
        {
            TensorShapeProto.Types.Dimension dimension = tensorType.Shape.Dim[axis];
            if (!dimension.HasDimValue || dimension.DimValue is < 1 or > int.MaxValue)
            {
                throw Error(source,
                    $"the input '{input.Name}' has no fixed size on axis {axis} ({(dimension.HasDimParam ? $"'{dimension.DimParam}'" : dimension.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture))}); only the batch axis may vary");
            }

            item[axis - 1] = (int)dimension.DimValue;
        }

        try
        {
            return new TensorShape(item);
        }
        catch (ArgumentException exception)
        {
            // Each axis fits an int, their product need not: [batch, 1, 28, 2147483647] is a valid protobuf and no shape.
            throw Error(source, $"the input '{input.Name}' has item shape [{string.Join(", ", item)}]: {UntrustedText.Reason(exception)}");
        }
    }

    private static void RequireOutputs(GraphProto graph, string scores, string? probabilities, string source)
    {
        foreach (ValueInfoProto output in graph.Output)
        {
            if (output.Name != scores && output.Name != probabilities)
            {
                throw Error(source, $"the graph output '{output.Name}' is not the end of the chain of layers ('{probabilities ?? scores}')");
            }
        }

        if (graph.Output.Count == 0)
        {
            throw Error(source, "the graph has no output");
        }
    }

    private static InvalidDataException Error(string source, string problem) =>
        new($"'{source}' cannot be imported: {UntrustedText.Cut(problem, UntrustedText.MaxProblemLength)}.");
}
