using ConvNet.Core.Networks;
using ConvNet.Onnx.Protobuf;
using Google.Protobuf;
using AttributeType = ConvNet.Onnx.Protobuf.AttributeProto.Types.AttributeType;
using DataLocation = ConvNet.Onnx.Protobuf.TensorProto.Types.DataLocation;
using DataType = ConvNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace ConvNet.Onnx.Tests;

/// <summary>
/// Models the importer cannot compute exactly are refused with a message that names the file, the node and what is
/// wrong. Each case starts from a valid exported model (which imports) and changes one thing.
/// </summary>
public sealed class ImportErrorTests
{
    [Fact]
    public void The_unchanged_model_imports()
    {
        Import(Model()).Layers.Should().NotBeEmpty();
    }

    [Fact]
    public void Dilated_convolution_is_refused_naming_the_node()
    {
        var model = Model();
        SetInts(Node(model, "conv1"), "dilations", 2, 2);
        ImportError(model).Should().Contain("node 0 'conv1' (Conv)").And.Contain("dilations [2, 2]");
    }

    [Fact]
    public void Grouped_convolution_is_refused()
    {
        var model = Model();
        Node(model, "conv1").Attribute.Single(attribute => attribute.Name == "group").I = 2;
        ImportError(model).Should().Contain("'conv1' (Conv)").And.Contain("group [2]").And.Contain("grouped");
    }

    [Fact]
    public void Asymmetric_padding_is_refused()
    {
        var model = Model();
        SetInts(Node(model, "conv1"), "pads", 1, 1, 2, 2);
        ImportError(model).Should().Contain("'conv1' (Conv)").And.Contain("pads [1, 1, 2, 2]").And.Contain("asymmetric");
    }

    [Fact]
    public void Same_padding_and_ceil_rounding_are_refused()
    {
        var samePadding = Model();
        Node(samePadding, "conv1").Attribute.Add(new AttributeProto { Name = "auto_pad", Type = AttributeType.String, S = ByteString.CopyFromUtf8("SAME_UPPER") });
        ImportError(samePadding).Should().Contain("'conv1' (Conv)").And.Contain("auto_pad SAME_UPPER");

        var ceil = Model();
        Node(ceil, "pool1").Attribute.Add(new AttributeProto { Name = "ceil_mode", Type = AttributeType.Int, I = 1 });
        ImportError(ceil).Should().Contain("'pool1' (MaxPool)").And.Contain("ceil_mode [1]");
    }

    [Fact]
    public void Pooling_pads_that_are_not_a_zero_border_counted_in_the_window_are_refused()
    {
        // MaxPool pads with −∞, ConvNet with zeros: not the same function, so not imported as if it were.
        var maxPads = Model();
        SetInts(Node(maxPads, "pool1"), "pads", 1, 1, 1, 1);
        ImportError(maxPads).Should().Contain("'pool1' (MaxPool)").And.Contain("−∞");

        var excludedPads = Model(TestNetworks.RectangularAndPadded(seed: 1));
        Node(excludedPads, "pool2").Attribute.Single(attribute => attribute.Name == "count_include_pad").I = 0;
        ImportError(excludedPads).Should().Contain("'pool2' (AveragePool)").And.Contain("count_include_pad 0");

        var reflected = Model(TestNetworks.RectangularAndPadded(seed: 1));
        Node(reflected, "pool1.pad").Attribute.Single(attribute => attribute.Name == "mode").S = ByteString.CopyFromUtf8("reflect");
        ImportError(reflected).Should().Contain("'pool1.pad' (Pad)").And.Contain("mode 'reflect'");

        var padBeforeRelu = Model(TestNetworks.RectangularAndPadded(seed: 1));
        NodeProto pool = Node(padBeforeRelu, "pool1");
        pool.OpType = "Relu";
        pool.Attribute.Clear();
        ImportError(padBeforeRelu).Should().Contain("'pool1.pad' (Pad)").And.Contain("only right before MaxPool or AveragePool");
    }

    [Fact]
    public void An_unknown_operator_or_attribute_is_refused()
    {
        var unknownOperator = Model();
        Node(unknownOperator, "relu1").OpType = "Selu";
        ImportError(unknownOperator).Should().Contain("node 1 'relu1' (Selu)").And.Contain("not supported").And.Contain("Conv, MaxPool");

        var unknownAttribute = Model();
        Node(unknownAttribute, "relu1").Attribute.Add(new AttributeProto { Name = "beta", Type = AttributeType.Float, F = 2 });
        ImportError(unknownAttribute).Should().Contain("'relu1' (Relu)").And.Contain("attribute 'beta'");

        var otherDomain = Model();
        Node(otherDomain, "relu1").Domain = "com.microsoft";
        ImportError(otherDomain).Should().Contain("'relu1'").And.Contain("domain 'com.microsoft'");
    }

    [Fact]
    public void A_skip_connection_is_refused()
    {
        var model = Model();

        // relu2 = relu1's output + pool1's output: two computed inputs.
        NodeProto relu2 = Node(model, "relu2");
        relu2.OpType = "Add";
        relu2.Input.Clear();
        relu2.Input.Add(Node(model, "affine1").Output[0]);
        relu2.Input.Add(Node(model, "affine1.flatten").Output[0]);
        ImportError(model).Should().Contain("'relu2' (Add)").And.Contain("2 computed values").And.Contain("chain");
    }

    [Fact]
    public void Batch_normalization_in_training_mode_is_refused()
    {
        var model = Model(BestConvNet.Create(seed: 1));
        Node(model, "bn1").Attribute.Single(attribute => attribute.Name == "training_mode").I = 1;
        ImportError(model).Should().Contain("'bn1' (BatchNormalization)").And.Contain("training_mode [1]");
    }

    [Fact]
    public void Weights_in_an_external_file_or_of_another_type_are_refused()
    {
        var external = Model();
        TensorProto weight = external.Graph.Initializer.Single(tensor => tensor.Name == "conv1.weight");
        weight.DataLocation = DataLocation.External;
        weight.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        ImportError(external).Should().Contain("'conv1'").And.Contain("external file");

        var doubles = Model();
        TensorProto bias = doubles.Graph.Initializer.Single(tensor => tensor.Name == "affine2.bias");
        bias.DataType = (int)DataType.Double;
        ImportError(doubles).Should().Contain("'affine2' (Gemm)").And.Contain("DOUBLE");

        var truncated = Model();
        TensorProto truncatedWeight = truncated.Graph.Initializer.Single(tensor => tensor.Name == "affine1.weight");
        truncatedWeight.RawData = ByteString.CopyFrom(truncatedWeight.RawData.Span[..100]);
        ImportError(truncated).Should().Contain("'affine1' (Gemm)").And.Contain("holds 100");
    }

    [Fact]
    public void An_input_without_fixed_item_dimensions_is_refused()
    {
        var model = Model();
        model.Graph.Input[0].Type.TensorType.Shape.Dim[2].DimParam = "height";
        ImportError(model).Should().Contain("input 'input'").And.Contain("axis 2").And.Contain("'height'");
    }

    [Fact]
    public void Old_operator_sets_and_bytes_that_are_not_ONNX_are_refused()
    {
        var old = Model();
        old.OpsetImport[0].Version = 6;
        ImportError(old).Should().Contain("operator set 6");

        var garbage = () => OnnxImport.Load(new MemoryStream([0xFF, 0xFF, 0xFF, 0xFF, 0x0F]), "garbage.onnx");
        garbage.Should().Throw<InvalidDataException>().WithMessage("'garbage.onnx' is not an ONNX model*");
    }

    [Fact]
    public void A_missing_file_is_a_FileNotFoundException_naming_it()
    {
        var load = () => OnnxImport.Load("/no/such/folder/model.onnx");
        load.Should().Throw<FileNotFoundException>().WithMessage("*'/no/such/folder/model.onnx'*");
    }

    private static ModelProto Model(INetwork? network = null) =>
        OnnxExport.ToModel(network ?? SimpleConvNet.Create(seed: 1), null, new OnnxExportOptions());

    private static NodeProto Node(ModelProto model, string name) => model.Graph.Node.Single(node => node.Name == name);

    private static void SetInts(NodeProto node, string name, params long[] values)
    {
        AttributeProto attribute = node.Attribute.Single(attribute => attribute.Name == name);
        attribute.Ints.Clear();
        attribute.Ints.Add(values);
    }

    private static Sequential Import(ModelProto model) => OnnxImport.Load(new MemoryStream(model.ToByteArray()), "changed.onnx");

    private static string ImportError(ModelProto model)
    {
        var import = () => Import(model);
        return import.Should().Throw<InvalidDataException>().WithMessage("'changed.onnx' cannot be imported: *").Which.Message;
    }
}
