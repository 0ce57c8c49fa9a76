using ConvNet.Core.Layers;
using ConvNet.Core.Models;
using ConvNet.Core.Tests.Data;
using ConvNet.Core.Tests.Fuzzing;
using ConvNet.Onnx.Protobuf;
using CsCheck;
using Google.Protobuf;

namespace ConvNet.Onnx.Tests;

/// <summary>
/// Mutation fuzzing of the ONNX importer, a reader of files that may come from strangers like the others
/// (fuzz/README.md): valid exported models, damaged byte by byte (<see cref="Mutations"/>) or field by field (dimensions,
/// attributes, types, data, operators and wiring set to boundary values, names made long), must each import with finite weights or be
/// refused with an <see cref="InvalidDataException"/> naming the file, never another exception or a large allocation.
/// Byte damage mostly breaks the protobuf encoding; field damage reaches the importer's own checks. CsCheck prints the
/// seed of a failing case; rerun it with <c>CsCheck_Seed=SEED dotnet test --filter ImportFuzzTests</c>.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class ImportFuzzTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("every-layer", 1500)]
    [InlineData("rectangular-padded", 1500)]
    public void Damaged_ONNX_models_are_imported_or_refused(string network, int cases)
    {
        byte[] valid = OnnxExport.ToModel(TestNetworks.Create(network), null, new OnnxExportOptions()).ToByteArray();
        string path = Path.Combine(_folder.Path, network + ".onnx");
        Mutations.Of(valid).Sample(
            file => { ReaderOutcome.Check(path, file, target => RequireFiniteIfAccepted(OnnxImport.LoadModel(target)), 8L * valid.Length + 4_000_000, typeof(InvalidDataException)); },
            iter: cases,
            threads: 1);
    }

    [Theory]
    [InlineData("every-layer", 1500)]
    [InlineData("rectangular-padded", 1000)]
    [InlineData("simple", 500)]
    public void ONNX_models_with_hostile_fields_are_imported_or_refused(string network, int cases)
    {
        ModelProto valid = OnnxExport.ToModel(TestNetworks.Create(network), null, new OnnxExportOptions());
        string path = Path.Combine(_folder.Path, network + "-fields.onnx");
        FieldMutation.Array[1, 4].Sample(
            mutations =>
            {
                ModelProto model = valid.Clone();
                foreach (var mutation in mutations)
                {
                    Apply(model, mutation);
                }

                ReaderOutcome.Check(path, model.ToByteArray(), target => RequireFiniteIfAccepted(OnnxImport.LoadModel(target)), 8L * valid.CalculateSize() + 4_000_000, typeof(InvalidDataException));
            },
            iter: cases,
            threads: 1);
    }

    /// <summary>What an imported model may not hold, whatever its file said: a NaN or infinite weight or statistic.</summary>
    private static void RequireFiniteIfAccepted(Model model)
    {
        foreach (var parameter in model.Network.Parameters)
        {
            parameter.Parameter.Value.ReadOnlySpan.ToArray().Should().OnlyContain(value => float.IsFinite(value), "{0} was imported", parameter.Name);
        }

        foreach (var state in model.Network.Layers.OfType<IStatefulLayer>().SelectMany(layer => layer.State))
        {
            state.Value.ReadOnlySpan.ToArray().Should().OnlyContain(value => float.IsFinite(value), "{0} was imported", state.Name);
        }
    }

    private static readonly long[] Boundaries = [0, 1, -1, 2, 3, 7, 28, 100, 4320, 65_536, int.MaxValue, (long)int.MaxValue + 1, uint.MaxValue, 1L << 40, long.MaxValue, long.MinValue];

    private static readonly float[] Floats = [0f, -0f, 1f, -1f, 0.5f, 1e-30f, 1e30f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon];

    private static readonly string[] OperatorNames =
        ["Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "Gemm", "MatMul", "Add", "Relu", "LeakyRelu", "Sigmoid", "Tanh",
         "BatchNormalization", "Dropout", "Flatten", "Reshape", "Pad", "Identity", "Constant", "Softmax", "LogSoftmax", "Max", "Loop", ""];

    /// <summary>What to change (Kind), which element (Index), to what (Value, a boundary integer, float or name).</summary>
    private static readonly Gen<(int Kind, int Index, int Value)> FieldMutation = Gen.Select(Gen.Int[0, 14], Gen.Int[0, 1 << 20], Gen.Int[0, 1 << 20]);

    private static void Apply(ModelProto model, (int Kind, int Index, int Value) mutation)
    {
        GraphProto graph = model.Graph;
        long integer = Boundaries[mutation.Value % Boundaries.Length];
        float real = Floats[mutation.Value % Floats.Length];
        switch (mutation.Kind)
        {
            case 0 when graph.Initializer.Count > 0:
                // An initializer's dimension.
                TensorProto tensor = graph.Initializer[mutation.Index % graph.Initializer.Count];
                if (tensor.Dims.Count > 0)
                {
                    tensor.Dims[mutation.Index / 7 % tensor.Dims.Count] = integer;
                }
                else
                {
                    tensor.Dims.Add(integer);
                }

                break;
            case 1:
                // The graph input's dimensions.
                var dims = graph.Input[0].Type.TensorType.Shape.Dim;
                dims[mutation.Index % dims.Count].DimValue = integer;
                break;
            case 2:
                // An integer attribute (kernel_shape, strides, pads, axis, transB, …), one of its values or its count.
                AttributeProto? attribute = AttributeOf(graph, mutation.Index, a => a.Ints.Count > 0 || a.HasI);
                if (attribute is not null)
                {
                    if (attribute.Ints.Count > 0 && mutation.Value % 5 != 0)
                    {
                        attribute.Ints[mutation.Index / 11 % attribute.Ints.Count] = integer;
                    }
                    else if (attribute.Ints.Count > 0)
                    {
                        attribute.Ints.Add(integer);
                    }
                    else
                    {
                        attribute.I = integer;
                    }
                }

                break;
            case 3:
                // A float attribute (alpha, beta, epsilon, momentum).
                AttributeProto? floatAttribute = AttributeOf(graph, mutation.Index, a => a.HasF);
                if (floatAttribute is not null)
                {
                    floatAttribute.F = real;
                }

                break;
            case 4 when graph.Initializer.Count > 0:
                // An initializer's type.
                graph.Initializer[mutation.Index % graph.Initializer.Count].DataType = (int)(integer % 20);
                break;
            case 5 when graph.Initializer.Count > 0:
                // An initializer's raw data cut or lengthened.
                TensorProto data = graph.Initializer[mutation.Index % graph.Initializer.Count];
                byte[] raw = data.RawData.ToByteArray();
                int length = (int)Math.Min((ulong)mutation.Value % (ulong)(2 * raw.Length + 9), 1 << 20);
                Array.Resize(ref raw, length);
                data.RawData = ByteString.CopyFrom(raw);
                break;
            case 6 when graph.Initializer.Count > 0:
                // A value inside an initializer.
                TensorProto values = graph.Initializer[mutation.Index % graph.Initializer.Count];
                byte[] bytes = values.RawData.ToByteArray();
                if (bytes.Length >= 4)
                {
                    BitConverter.TryWriteBytes(bytes.AsSpan(mutation.Index / 3 % (bytes.Length / 4) * 4), real);
                    values.RawData = ByteString.CopyFrom(bytes);
                }

                break;
            case 7:
                // A node's operator.
                graph.Node[mutation.Index % graph.Node.Count].OpType = OperatorNames[mutation.Value % OperatorNames.Length];
                break;
            case 8:
                // A node's input or output wired to another name in the graph.
                NodeProto node = graph.Node[mutation.Index % graph.Node.Count];
                NodeProto other = graph.Node[mutation.Value % graph.Node.Count];
                string name = (mutation.Value & 1) == 0 && other.Output.Count > 0 ? other.Output[0] : other.Input.Count > 0 ? other.Input[0] : "";
                if (((mutation.Index & 1) == 0 || node.Output.Count == 0) && node.Input.Count > 0)
                {
                    node.Input[mutation.Index / 5 % node.Input.Count] = name;
                }
                else if (node.Output.Count > 0)
                {
                    node.Output[0] = name;
                }

                break;
            case 9:
                // A node removed, or repeated.
                NodeProto chosen = graph.Node[mutation.Index % graph.Node.Count];
                if ((mutation.Value & 1) == 0 && graph.Node.Count > 1)
                {
                    graph.Node.Remove(chosen);
                }
                else
                {
                    graph.Node.Insert(mutation.Value % (graph.Node.Count + 1), chosen.Clone());
                }

                break;
            case 10 when graph.Initializer.Count > 0:
                // An initializer removed.
                graph.Initializer.RemoveAt(mutation.Index % graph.Initializer.Count);
                break;
            case 11:
                // An attribute's declared type changed.
                AttributeProto? any = AttributeOf(graph, mutation.Index, _ => true);
                if (any is not null)
                {
                    any.Type = (AttributeProto.Types.AttributeType)(mutation.Value % 16);
                }

                break;
            case 12:
                // The operator set.
                model.OpsetImport[0].Version = integer;
                break;
            case 13:
                // A name or operator made long, with a line break in it (errors quote them).
                string text = new string('x', 1 + (mutation.Value % 20_000)) + "\n";
                NodeProto named = graph.Node[mutation.Index % graph.Node.Count];
                switch (mutation.Index / 3 % 3)
                {
                    case 0: named.Name = text; break;
                    case 1: named.OpType = text; break;
                    default: graph.Input[0].Name = text; break;
                }

                break;
            default:
                // The output's dimensions, or the output renamed.
                var outputDims = graph.Output[0].Type?.TensorType?.Shape?.Dim;
                if (outputDims is { Count: > 0 } && (mutation.Value & 1) == 0)
                {
                    outputDims[mutation.Index % outputDims.Count].DimValue = integer;
                }
                else
                {
                    graph.Output[0].Name = graph.Node[mutation.Index % graph.Node.Count].Output.FirstOrDefault() ?? "";
                }

                break;
        }
    }

    private static AttributeProto? AttributeOf(GraphProto graph, int index, Func<AttributeProto, bool> suits)
    {
        var attributes = graph.Node.SelectMany(node => node.Attribute).Where(suits).ToList();
        return attributes.Count == 0 ? null : attributes[index % attributes.Count];
    }
}
