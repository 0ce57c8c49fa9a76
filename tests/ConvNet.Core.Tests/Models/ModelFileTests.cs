using System.Text.Json;
using ConvNet.Core.Layers;
using ConvNet.Core.Models;
using ConvNet.Core.Networks;
using ConvNet.Core.Serialization;
using ConvNet.Core.Tensors;
using ConvNet.Core.Tests.Data;
using ConvNet.Core.Tests.TestNetworks;

namespace ConvNet.Core.Tests.Models;

public sealed class ModelFileTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string> NetworkNames => ["simple", "deep", "best", "every-layer", "rectangular-padded"];

    private static Sequential Create(string name) => name switch
    {
        "simple" => SimpleConvNet.Create(new SimpleConvNetOptions { WeightInitStandardDeviation = 0.1f }, seed: 3),
        "deep" => DeepConvNet.Create(seed: 3),
        "best" => WithRandomState(BestConvNet.Create(seed: 3)),
        "rectangular-padded" => WithRandomState(TestModels.RectangularAndPadded(seed: 3)),
        _ => TestModels.EveryLayer(seed: 3),
    };

    private static Sequential WithRandomState(Sequential network)
    {
        TestModels.Randomize(network, seed: 4);
        return network;
    }

    private string PathOf(string name) => Path.Combine(_folder.Path, name);

    private static FloatTensor InputsFor(Sequential network, int count = 3) =>
        TestTensors.Uniform(new Random(11), [count, .. network.InputShape.ToArray()]);

    [Theory]
    [MemberData(nameof(NetworkNames))]
    public void Load_rebuilds_the_network_from_the_file_alone_and_predicts_the_same_bits(string name)
    {
        Sequential original = Create(name);
        string path = PathOf($"{name}.safetensors");
        new Model(original, name).Save(path);

        Model loaded = Model.Load(path);

        loaded.Name.Should().Be(name);
        loaded.Network.Should().BeOfType<Sequential>();
        loaded.Network.InputShape.Should().Be(original.InputShape);
        loaded.Network.Layers.Select(layer => (layer.GetType(), layer.Name)).Should().Equal(original.Layers.Select(layer => (layer.GetType(), layer.Name)));
        loaded.Architecture.Should().Be(new Model(original, name).Architecture, "the rebuilt layers have the same hyper-parameters");
        var originalTensors = NetworkTensors.Collect(original);
        var loadedTensors = NetworkTensors.Collect(loaded.Network);
        loadedTensors.Select(tensor => tensor.Key).Should().Equal(originalTensors.Select(tensor => tensor.Key));
        for (int i = 0; i < originalTensors.Count; i++)
        {
            loadedTensors[i].Value.ToArray().Should().Equal(originalTensors[i].Value.ToArray(), originalTensors[i].Key);
        }

        FloatTensor inputs = InputsFor(original);
        loaded.Network.Predict(inputs).ToArray().Should().Equal(original.Predict(inputs).ToArray());
    }

    [Fact]
    public void The_architecture_names_every_layer_kind_and_its_hyper_parameters()
    {
        using var document = JsonDocument.Parse(new Model(TestModels.EveryLayer(seed: 1), "all").Architecture);
        JsonElement root = document.RootElement;

        root.GetProperty("format_version").GetInt32().Should().Be(1);
        root.GetProperty("input_shape").EnumerateArray().Select(d => d.GetInt32()).Should().Equal(3, 12, 10);
        root.GetProperty("loss").GetProperty("kind").GetString().Should().Be("softmax_cross_entropy");
        var layers = root.GetProperty("layers").EnumerateArray().ToArray();
        layers.Select(layer => layer.GetProperty("kind").GetString()).Should().Equal(
            "convolution", "batch_normalization", "leaky_relu", "convolution", "tanh", "pooling", "convolution", "relu", "pooling",
            "flatten", "affine", "batch_normalization", "sigmoid", "dropout", "affine");
        layers[0].GetRawText().Should().Be(
            """{"kind":"convolution","name":"conv1","input_channels":3,"filters":4,"kernel_size":[3,3],"stride":[1,1],"padding":[1,1]}""");
        layers[1].GetProperty("momentum").GetSingle().Should().Be(0.8f);
        layers[1].GetProperty("epsilon").GetSingle().Should().Be(1e-3f);
        layers[2].GetProperty("slope").GetSingle().Should().Be(0.05f);
        layers[5].GetRawText().Should().Be("""{"kind":"pooling","name":"pool1","mode":"average","pool_size":[2,2],"stride":[2,2],"padding":[0,0]}""");
        layers[8].GetProperty("stride").EnumerateArray().Select(d => d.GetInt32()).Should().Equal(1, 1);
        layers[10].GetRawText().Should().Be("""{"kind":"affine","name":"affine1","input_size":5,"output_size":7}""");
        layers[13].GetProperty("rate").GetSingle().Should().Be(0.25f);
    }

    [Fact]
    public void Name_class_names_test_accuracy_and_properties_travel_with_the_model()
    {
        string path = PathOf("named.safetensors");
        new Model(TestModels.EveryLayer(seed: 2), "shapes")
        {
            ClassNames = ["circle", "square", "triangle", "star", "ring"],
            TestAccuracy = 0.9871,
            Properties = new Dictionary<string, string> { ["dataset"] = "shapes-v2", ["recipe"] = "adam 0.001, 8 epochs" },
        }.Save(path);

        Model loaded = Model.Load(path);

        loaded.Name.Should().Be("shapes");
        loaded.ClassNames.Should().Equal("circle", "square", "triangle", "star", "ring");
        loaded.Labels.Should().Equal(loaded.ClassNames);
        loaded.TestAccuracy.Should().Be(0.9871);
        loaded.Properties.Should().BeEquivalentTo(new Dictionary<string, string> { ["dataset"] = "shapes-v2", ["recipe"] = "adam 0.001, 8 epochs" });
        Checkpoint.ReadMetadata(path).Should().Contain("dataset", "shapes-v2", "free-form properties are plain metadata a numpy reader sees");
    }

    [Fact]
    public void Without_class_names_the_labels_are_the_class_indices()
    {
        string path = PathOf("plain.safetensors");
        new Model(TestModels.EveryLayer(seed: 2), "plain").Save(path);

        Model loaded = Model.Load(path);

        loaded.ClassNames.Should().BeNull();
        loaded.Labels.Should().Equal("0", "1", "2", "3", "4");
        loaded.TestAccuracy.Should().BeNull();
        loaded.Properties.Should().BeEmpty();
    }

    [Fact]
    public void Streams_round_trip_from_any_position_and_from_streams_that_cannot_seek()
    {
        var original = TestModels.EveryLayer(seed: 5);
        var model = new Model(original, "stream");
        var buffer = new MemoryStream();
        buffer.Write("prefix"u8);
        model.Save(buffer);
        byte[] file = buffer.ToArray()[6..];
        FloatTensor inputs = InputsFor(original);
        float[] expected = original.Predict(inputs).ToArray();

        Model.Load(new MemoryStream(file)).Network.Predict(inputs).ToArray().Should().Equal(expected);
        Model.Load(new ForwardOnlyStream(file)).Network.Predict(inputs).ToArray().Should().Equal(expected);
        buffer.Position = 6;
        Model.Load(buffer).Network.Predict(inputs).ToArray().Should().Equal(expected);
        buffer.CanRead.Should().BeTrue("the caller's stream stays open");
    }

    [Fact]
    public void Files_of_the_samples_catalog_models_without_an_architecture_still_load()
    {
        Sequential original = Create("simple");
        string path = PathOf("legacy.safetensors");
        Checkpoint.Save(original, path, new Dictionary<string, string> { [ModelCatalog.ModelKey] = ModelCatalog.Simple });

        Model loaded = Model.Load(path);

        loaded.Name.Should().Be("simple");
        FloatTensor inputs = InputsFor(original);
        loaded.Network.Predict(inputs).ToArray().Should().Equal(original.Predict(inputs).ToArray());
    }

    [Fact]
    public void A_weights_only_file_says_so_and_points_to_LoadInto()
    {
        string path = PathOf("weights.safetensors");
        Checkpoint.Save(Create("simple"), path);

        FluentActions.Invoking(() => Model.Load(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"'{path}' holds weights only*convnet.architecture*Checkpoint.LoadInto*");
    }

    [Fact]
    public void Rectangular_kernels_and_windows_are_height_then_width_and_pooling_padding_is_written()
    {
        using var document = JsonDocument.Parse(new Model(TestModels.RectangularAndPadded(seed: 1), "rectangular").Architecture);
        var layers = document.RootElement.GetProperty("layers").EnumerateArray().ToArray();

        layers[0].GetRawText().Should().Be(
            """{"kind":"convolution","name":"conv1","input_channels":2,"filters":4,"kernel_size":[3,5],"stride":[2,2],"padding":[1,1]}""");
        layers[1].GetRawText().Should().Be("""{"kind":"pooling","name":"pool1","mode":"max","pool_size":[2,3],"stride":[2,2],"padding":[1,1]}""");
    }

    [Fact]
    public void A_pooling_layer_without_padding_from_an_older_file_loads_unpadded()
    {
        string path = SavedEveryLayer();
        string rewritten = "";
        TestModels.Rewrite(path, metadata => rewritten = metadata["convnet.architecture"] = System.Text.RegularExpressions.Regex.Replace(
            metadata["convnet.architecture"], "(\"kind\":\"pooling\"[^}]*),\"padding\":\\[0,0\\]", "$1"));
        rewritten.Split("\"padding\"").Should().HaveCount(4, "only the three convolutions keep a padding");

        Model loaded = Model.Load(path);

        loaded.Network.Layers.OfType<Pooling>().Should().HaveCount(2).And.OnlyContain(pooling => pooling.Padding == 0);
    }

    [Fact]
    public void A_newer_format_version_is_refused()
    {
        string path = SavedEveryLayer();
        TestModels.Rewrite(path, metadata => metadata["convnet.architecture"] = metadata["convnet.architecture"].Replace("\"format_version\":1", "\"format_version\":2", StringComparison.Ordinal));

        FluentActions.Invoking(() => Model.Load(path)).Should().Throw<InvalidDataException>()
            .WithMessage("*architecture format version 2; this library reads versions up to 1*");
    }

    [Fact]
    public void Names_and_arrays_of_a_hostile_architecture_or_metadata_are_quoted_cut_short()
    {
        // The architecture and the metadata are text of any length in the file's header: a name, a kind or an array can
        // be megabytes.
        string longName = new string('n', 100_000) + "\\n";
        string longArray = "[" + string.Join(",", Enumerable.Repeat("1", 100_000)) + "]";
        var rewrites = new (Func<string, string> Rewrite, string Expected)[]
        {
            (architecture => architecture.Replace("\"name\":\"tanh1\"", $"\"name\":\"{longName}\"", StringComparison.Ordinal).Replace("\"kind\":\"tanh\"", "\"kind\":\"gelu\"", StringComparison.Ordinal),
                "*layer 5 ('nnnn*(100,001 characters)') has kind 'gelu'*"),
            (architecture => architecture.Replace("\"kind\":\"tanh\"", $"\"kind\":\"{longName}\"", StringComparison.Ordinal), "*has kind 'nnnn*(100,001 characters)', which this library does not know*"),
            (architecture => architecture.Replace("\"input_shape\":[3,12,10]", $"\"input_shape\":{longArray}", StringComparison.Ordinal), "*input_shape*"),
        };
        var metadataRewrites = new (string Key, string Value, string Expected)[]
        {
            ("convnet.class_names", "[" + longArray + "]", "*'convnet.class_names' = [[1,1,1*(200,003 characters); expected a JSON array of strings*"),
            ("convnet.test_accuracy", new string('n', 100_000) + "\n", "*'convnet.test_accuracy' = 'nnnn*(100,001 characters)'; expected a number in [0, 1]*"),
        };
        foreach (var (rewrite, expected) in rewrites)
        {
            string path = SavedEveryLayer();
            TestModels.Rewrite(path, metadata => metadata["convnet.architecture"] = rewrite(metadata["convnet.architecture"]));
            RefusedInOneShortLine(path, expected);
        }

        foreach (var (key, value, expected) in metadataRewrites)
        {
            string path = SavedEveryLayer();
            TestModels.Rewrite(path, metadata => metadata[key] = value);
            RefusedInOneShortLine(path, expected);
        }

        static void RefusedInOneShortLine(string path, string expected)
        {
            string message = FluentActions.Invoking(() => Model.Load(path)).Should().Throw<InvalidDataException>().WithMessage(expected).Which.Message;
            message.Length.Should().BeLessThan(2000);
            message.Should().NotContain("\n");
        }
    }

    [Fact]
    public void An_unknown_layer_kind_is_named()
    {
        string path = SavedEveryLayer();
        TestModels.Rewrite(path, metadata => metadata["convnet.architecture"] = metadata["convnet.architecture"].Replace("\"kind\":\"tanh\"", "\"kind\":\"gelu\"", StringComparison.Ordinal));

        FluentActions.Invoking(() => Model.Load(path)).Should().Throw<InvalidDataException>()
            .WithMessage("*layer 5 ('tanh1') has kind 'gelu', which this library does not know (known kinds: convolution, *");
    }

    [Fact]
    public void An_unknown_hyper_parameter_is_refused()
    {
        string path = SavedEveryLayer();
        TestModels.Rewrite(path, metadata => metadata["convnet.architecture"] = metadata["convnet.architecture"].Replace("\"slope\":", "\"dilation\":2,\"slope\":", StringComparison.Ordinal));

        FluentActions.Invoking(() => Model.Load(path)).Should().Throw<InvalidDataException>()
            .WithMessage("*layer 3 ('leakyrelu1') has property 'dilation', which this library does not know*");
    }

    [Fact]
    public void An_architecture_that_does_not_match_its_tensors_names_the_tensor_and_both_shapes()
    {
        string path = SavedEveryLayer();
        TestModels.Rewrite(path, metadata => metadata["convnet.architecture"] = metadata["convnet.architecture"].Replace("\"output_size\":7", "\"output_size\":9", StringComparison.Ordinal));

        FluentActions.Invoking(() => Model.Load(path)).Should().Throw<InvalidDataException>()
            .WithMessage("*layer 11 ('affine1') needs tensor 'affine1.weight' [5, 9] but the file stores it as [5, 7]*");
    }

    [Fact]
    public void A_huge_architecture_fails_on_the_tensor_check_before_anything_is_allocated()
    {
        string path = SavedEveryLayer();
        TestModels.Rewrite(path, metadata => metadata["convnet.architecture"] = metadata["convnet.architecture"].Replace("\"input_size\":5,\"output_size\":7", "\"input_size\":2000000000,\"output_size\":2000000000", StringComparison.Ordinal));

        FluentActions.Invoking(() => Model.Load(path)).Should().Throw<InvalidDataException>().WithMessage("*'affine1.weight' [2000000000, 2000000000] but the file stores it as [5, 7]*");
    }

    [Fact]
    public void Layers_that_do_not_chain_are_refused_with_the_shapes()
    {
        string path = SavedEveryLayer();
        TestModels.Rewrite(path, metadata => metadata["convnet.architecture"] = metadata["convnet.architecture"].Replace("\"input_shape\":[3,12,10]", "\"input_shape\":[3,30,30]", StringComparison.Ordinal));

        FluentActions.Invoking(() => Model.Load(path)).Should().Throw<InvalidDataException>()
            .WithMessage("*describes layers that do not fit together*'affine1'*");
    }

    [Fact]
    public void A_tensor_the_architecture_does_not_use_is_refused()
    {
        string path = SavedEveryLayer();
        TestModels.Rewrite(path, changeTensors: tensors => tensors["extra.weight"] = new FloatTensor(2));

        FluentActions.Invoking(() => Model.Load(path)).Should().Throw<InvalidDataException>()
            .WithMessage("*the file holds tensor 'extra.weight' [2] that the network does not have*");
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "+Infinity")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void A_non_finite_weight_is_refused_with_the_tensor_and_index(float value, string named)
    {
        string path = SavedEveryLayer();
        TestModels.Rewrite(path, changeTensors: tensors => tensors["affine2.weight"].Span[17] = value);

        FluentActions.Invoking(() => Model.Load(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"*holds {named} at index 17 of tensor 'affine2.weight' [7, 5]; every weight and state value must be finite*");
    }

    [Fact]
    public void A_stream_that_ends_early_is_refused()
    {
        var buffer = new MemoryStream();
        new Model(TestModels.EveryLayer(seed: 6), "cut").Save(buffer);
        byte[] cut = buffer.ToArray()[..^10];

        FluentActions.Invoking(() => Model.Load(new ForwardOnlyStream(cut))).Should().Throw<InvalidDataException>()
            .WithMessage("'stream' is not a valid checkpoint: *truncated*");
    }

    [Fact]
    public void Invalid_metadata_is_refused()
    {
        string path = SavedEveryLayer();
        TestModels.Rewrite(path, metadata => metadata["convnet.class_names"] = "[\"a\",\"b\"]");
        FluentActions.Invoking(() => Model.Load(path)).Should().Throw<InvalidDataException>().WithMessage("*invalid model metadata: Give one non-empty name per class (5); got 2*");

        TestModels.Rewrite(path, metadata => metadata["convnet.class_names"] = "{}");
        FluentActions.Invoking(() => Model.Load(path)).Should().Throw<InvalidDataException>().WithMessage("*'convnet.class_names' = {}; expected a JSON array of strings*");

        TestModels.Rewrite(path, metadata => { metadata.Remove("convnet.class_names"); metadata["convnet.test_accuracy"] = "1.5"; });
        FluentActions.Invoking(() => Model.Load(path)).Should().Throw<InvalidDataException>().WithMessage("*'convnet.test_accuracy' = '1.5'; expected a number in [0, 1]*");
    }

    [Fact]
    public void An_escaped_half_surrogate_pair_in_the_architecture_or_the_class_names_is_refused()
    {
        // The metadata strings are valid text; the JSON inside them escapes half a surrogate pair (found by AFL++).
        string path = SavedEveryLayer();
        TestModels.Rewrite(path, metadata => metadata["convnet.architecture"] = metadata["convnet.architecture"].Replace("\"kind\":\"tanh\"", "\"kind\":\"tanh\\ud800\"", StringComparison.Ordinal));
        FluentActions.Invoking(() => Model.Load(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"'{path}' has an architecture that is not valid JSON*half of a UTF-16 surrogate pair*");

        path = SavedEveryLayer();
        TestModels.Rewrite(path, metadata => metadata["convnet.architecture"] = metadata["convnet.architecture"].Replace("\"slope\":", "\"sl\\udc00ope\":", StringComparison.Ordinal));
        FluentActions.Invoking(() => Model.Load(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"'{path}' has an architecture that is not valid JSON*half of a UTF-16 surrogate pair*");

        path = SavedEveryLayer();
        TestModels.Rewrite(path, metadata => metadata["convnet.class_names"] = "[\"a\",\"b\",\"c\",\"d\",\"e\\ud800\"]");
        FluentActions.Invoking(() => Model.Load(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"'{path}' has 'convnet.class_names' = *; expected a JSON array of strings*");
    }

    [Fact]
    public void A_model_needs_library_layers_and_valid_descriptions()
    {
        var custom = new SequentialBuilder(new TensorShape(3)).Add(new LinearLayer("linear", 3, 2)).Build(new SoftmaxWithLoss(), seed: 1);
        FluentActions.Invoking(() => new Model(custom, "custom")).Should().Throw<ArgumentException>()
            .WithMessage("*layer 'linear' is a ConvNet.Core.Tests.TestNetworks.LinearLayer, which a model file cannot describe*");

        var network = TestModels.EveryLayer(seed: 1);
        FluentActions.Invoking(() => new Model(network, " ")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new Model(network, "m") { ClassNames = ["a"] }).Should().Throw<ArgumentException>().WithMessage("*one non-empty name per class (5); got 1*");
        FluentActions.Invoking(() => new Model(network, "m") { TestAccuracy = -0.1 }).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new Model(network, "m") { Properties = new Dictionary<string, string> { ["convnet.name"] = "x" } })
            .Should().Throw<ArgumentException>().WithMessage("*'convnet.name'*prefix 'convnet.'*");
    }

    private string SavedEveryLayer()
    {
        string path = PathOf("every-layer.safetensors");
        new Model(TestModels.EveryLayer(seed: 7), "every") { ClassNames = ["a", "b", "c", "d", "e"] }.Save(path);
        return path;
    }

    /// <summary>A stream that can only be read front to back, like a network stream.</summary>
    private sealed class ForwardOnlyStream(byte[] content) : Stream
    {
        private readonly MemoryStream _inner = new(content);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
