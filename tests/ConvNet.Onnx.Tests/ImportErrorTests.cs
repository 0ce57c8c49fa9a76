using System.Runtime.InteropServices;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;
using ConvNet.Core.Tests.Data;
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
        // MaxPool pads with −∞, ConvNet with zeros: not the same function without the Max by the border mask after it.
        var maxPads = Model();
        SetInts(Node(maxPads, "pool1"), "pads", 1, 1, 1, 1);
        ImportError(maxPads).Should().Contain("'pool1' (MaxPool)").And.Contain("−∞");

        var otherMask = Model(TestNetworks.RectangularAndPadded(seed: 1));
        TensorProto mask = otherMask.Graph.Initializer.Single(tensor => tensor.Name == "pool1.border");
        float[] maskValues = MemoryMarshal.Cast<byte, float>(mask.RawData.Span).ToArray();
        maskValues[Array.IndexOf(maskValues, float.NegativeInfinity)] = 0f;   // an inner window as if it overlapped the border
        mask.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(maskValues.AsSpan()));
        ImportError(otherMask).Should().Contain("'pool1.border' (Max)").And.Contain("not the border mask");

        var excludedPads = Model(TestNetworks.RectangularAndPadded(seed: 1));
        Node(excludedPads, "pool2").Attribute.Single(attribute => attribute.Name == "count_include_pad").I = 0;
        ImportError(excludedPads).Should().Contain("'pool2' (AveragePool)").And.Contain("count_include_pad 0");

        var reflected = AsPadThenMaxPool(Model(TestNetworks.RectangularAndPadded(seed: 1)), "pool1");
        Node(reflected, "pool1.pad").Attribute.Single(attribute => attribute.Name == "mode").S = ByteString.CopyFromUtf8("reflect");
        ImportError(reflected).Should().Contain("'pool1.pad' (Pad)").And.Contain("mode 'reflect'");

        var padBeforeRelu = AsPadThenMaxPool(Model(TestNetworks.RectangularAndPadded(seed: 1)), "pool1");
        NodeProto pool = Node(padBeforeRelu, "pool1");
        pool.OpType = "Relu";
        pool.Attribute.Clear();
        ImportError(padBeforeRelu).Should().Contain("'pool1.pad' (Pad)").And.Contain("only right before MaxPool or AveragePool");
    }

    [Fact]
    public void A_Pad_by_zeros_then_an_unpadded_MaxPool_imports_as_the_padded_max_pool()
    {
        // The form PyTorch writes for ZeroPad2d + MaxPool2d; ConvNet itself exports MaxPool with pads, then Max by the border mask.
        var original = (Sequential)TestNetworks.RectangularAndPadded(seed: 1);
        ModelProto model = AsPadThenMaxPool(Model(original), "pool1");
        FloatTensor images = SyntheticImages.Create(8, seed: 5).Inputs;

        Sequential imported = Import(model);

        imported.Layers.OfType<Pooling>().Select(pooling => (pooling.Mode, pooling.Padding))
            .Should().Equal(original.Layers.OfType<Pooling>().Select(pooling => (pooling.Mode, pooling.Padding)));
        imported.Predict(images).ToArray().Should().Equal(original.Predict(images).ToArray());
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
    public void NaN_and_infinite_weights_are_refused_stored_or_folded_in()
    {
        // The library's own model files refuse them (a network holding them predicts NaN); so does the importer.
        foreach (float value in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            var model = Model();
            TensorProto weight = model.Graph.Initializer.Single(tensor => tensor.Name == "conv1.weight");
            byte[] bytes = weight.RawData.ToByteArray();
            BitConverter.TryWriteBytes(bytes.AsSpan(7 * sizeof(float)), value).Should().BeTrue();
            weight.RawData = ByteString.CopyFrom(bytes);
            ImportError(model).Should().Contain("node 0 'conv1' (Conv)").And.Contain($"its weight holds {value} at index 7").And.Contain("finite");
        }

        // Finite in the file, not once Gemm's alpha is folded into the weights.
        var scaled = Model();
        NodeProto gemm = Node(scaled, "affine1");
        gemm.Attribute.Where(attribute => attribute.Name == "alpha").ToList().ForEach(attribute => gemm.Attribute.Remove(attribute));
        gemm.Attribute.Add(new AttributeProto { Name = "alpha", Type = AttributeType.Float, F = float.PositiveInfinity });
        ImportError(scaled).Should().Contain("'affine1' (Gemm)").And.Contain("its weight holds").And.Contain("finite");
    }

    [Fact]
    public void Names_and_lists_from_the_file_are_cut_short_in_errors()
    {
        // A hostile file can make a name or an attribute's list megabytes long; the message stays one readable line.
        var named = Model();
        NodeProto conv = Node(named, "conv1");
        conv.Name = new string('n', 100_000) + "\n";
        conv.OpType = "Convolve" + new string('v', 100_000);
        string unknown = ImportError(named);
        unknown.Length.Should().BeLessThan(2000);
        unknown.Should().Contain("node 0 'nnnn").And.Contain("(100,001 characters)").And.NotContain("\n");

        var padded = Model();
        SetInts(Node(padded, "conv1"), "pads", [.. Enumerable.Repeat(1L, 100_000)]);
        string pads = ImportError(padded);
        pads.Length.Should().BeLessThan(2000);
        pads.Should().Contain("'conv1' (Conv)").And.Contain("pads [1, 1, 1");
    }

    [Fact]
    public void An_input_whose_item_holds_more_values_than_an_array_is_refused()
    {
        // Every axis fits an int; their product does not.
        var model = Model();
        model.Graph.Input[0].Type.TensorType.Shape.Dim[3].DimValue = int.MaxValue;
        ImportError(model).Should().Contain("input 'input'").And.Contain("[1, 28, 2147483647]");
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
    public async Task A_pipe_is_refused_at_once_instead_of_blocking_forever()
    {
        using var folder = new TemporaryFolder();
        string pipe = Path.Combine(folder.Path, "model.onnx");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [pipe]))
        {
            await mkfifo.WaitForExitAsync();
            mkfifo.ExitCode.Should().Be(0);
        }

        // The guard only keeps a hang from taking the whole run down; the refusal itself is immediate.
        var reading = Task.Run(() => OnnxImport.Load(pipe)).WaitAsync(TimeSpan.FromMinutes(1));
        (await reading.Invoking(task => task).Should().ThrowAsync<InvalidDataException>()).WithMessage($"*'{pipe}'*not a regular file*");
    }

    [Fact]
    public void A_missing_file_is_a_FileNotFoundException_naming_it()
    {
        var load = () => OnnxImport.Load("/no/such/folder/model.onnx");
        load.Should().Throw<FileNotFoundException>().WithMessage("*'/no/such/folder/model.onnx'*");
    }

    private static ModelProto Model(INetwork? network = null) =>
        OnnxExport.ToModel(network ?? SimpleConvNet.Create(seed: 1), null, new OnnxExportOptions());

    /// <summary>Rewrites the exported padded max pool <paramref name="name"/> (MaxPool with pads, then Max by the
    /// border mask) as a Pad by zeros and an unpadded MaxPool.</summary>
    private static ModelProto AsPadThenMaxPool(ModelProto model, string name)
    {
        NodeProto pool = Node(model, name);
        NodeProto border = Node(model, $"{name}.border");
        long padding = pool.Attribute.Single(attribute => attribute.Name == "pads").Ints[0];
        SetInts(pool, "pads", 0, 0, 0, 0);
        var pads = new TensorProto { Name = $"{name}.pads", DataType = (int)DataType.Int64, Dims = { 8 }, Int64Data = { 0, 0, padding, padding, 0, 0, padding, padding } };
        model.Graph.Initializer.Add(pads);
        var pad = new NodeProto { Name = $"{name}.pad", OpType = "Pad", Input = { pool.Input[0], pads.Name }, Output = { $"{name}.padded" } };
        pad.Attribute.Add(new AttributeProto { Name = "mode", Type = AttributeType.String, S = ByteString.CopyFromUtf8("constant") });
        pool.Input[0] = pad.Output[0];
        pool.Output[0] = border.Output[0];
        model.Graph.Node.Remove(border);
        model.Graph.Node.Insert(model.Graph.Node.IndexOf(pool), pad);
        model.Graph.Initializer.Remove(model.Graph.Initializer.Single(tensor => tensor.Name == $"{name}.border"));
        return model;
    }

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
