using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ConvNet.Core.Layers;
using ConvNet.Core.Models;
using ConvNet.Core.Networks;
using ConvNet.Core.Serialization;
using ConvNet.Core.Tensors;
using ConvNet.Core.Tests.Data;
using ConvNet.Core.Tests.Models;

namespace ConvNet.Core.Tests.Serialization;

/// <summary>
/// PyTorch interop against fixtures PyTorch made (Serialization/PyTorch/make_fixtures.py: a trained nn.Sequential's
/// state_dict, fixed inputs and the module's logits for them).
/// </summary>
public sealed class PyTorchStateDictTests : IDisposable
{
    private static readonly string FixtureFolder = Path.Combine(AppContext.BaseDirectory, "Serialization", "PyTorch");

    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string> FixtureNames => ["every_layer", "small_convnet"];

    /// <summary>The ConvNet networks equivalent to the fixtures' modules, with weights PyTorch did not make.</summary>
    private static Sequential Equivalent(string fixture) => fixture switch
    {
        "every_layer" => TestModels.EveryLayer(seed: 9),
        _ => new SequentialBuilder(new TensorShape(1, 12, 12))
            .Convolution(4, kernelSize: 5).Relu().MaxPool(2).Affine(16).Relu().Affine(10)
            .Build(new SoftmaxWithLoss(), seed: 9),
    };

    private static string FixturePath(string name) => Path.Combine(FixtureFolder, name + ".safetensors");

    private static (FloatTensor Inputs, FloatTensor Logits, string Module) Expected(string fixture)
    {
        string path = FixturePath(fixture + ".expected");
        var tensors = Checkpoint.ReadTensors(path);
        return (tensors["inputs"], tensors["logits"], Checkpoint.ReadMetadata(path)["module"]);
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void A_state_dict_saved_by_PyTorch_loads_and_gives_PyTorchs_logits(string fixture)
    {
        Sequential network = Equivalent(fixture);
        (FloatTensor inputs, FloatTensor expected, _) = Expected(fixture);

        PyTorchStateDict.ImportInto(network, FixturePath(fixture));

        float[] logits = network.Predict(inputs).ToArray();
        float scale = expected.ToArray().Max(MathF.Abs);
        for (int i = 0; i < logits.Length; i++)
        {
            MathF.Abs(logits[i] - expected.ReadOnlySpan[i]).Should().BeLessThanOrEqualTo(1e-5f * scale, $"logit {i}");
        }
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void The_module_source_is_the_one_PyTorch_ran(string fixture)
    {
        PyTorchStateDict.ModuleSource(Equivalent(fixture)).Should().Be(Expected(fixture).Module);
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Export_writes_PyTorchs_keys_shapes_dtypes_and_values(string fixture)
    {
        Sequential network = Equivalent(fixture);
        PyTorchStateDict.ImportInto(network, FixturePath(fixture));
        string exported = Path.Combine(_folder.Path, fixture + ".safetensors");

        PyTorchStateDict.Export(network, exported);

        var ours = RawEntries(exported);
        var theirs = RawEntries(FixturePath(fixture));
        ours.Keys.Should().BeEquivalentTo(theirs.Keys);
        foreach (var (name, (dtype, shape, bytes)) in theirs)
        {
            ours[name].DType.Should().Be(dtype, name);
            ours[name].Shape.Should().Equal(shape, name);
            if (!name.EndsWith("num_batches_tracked", StringComparison.Ordinal))
            {
                ours[name].Bytes.Should().Equal(bytes, $"{name} holds the same floats, in PyTorch's layout");
            }
        }

        Checkpoint.ReadMetadata(exported)[PyTorchStateDict.ModuleKey].Should().Be(Expected(fixture).Module);
        SaveForPyTorchCheck(exported);
    }

    [Fact]
    public void Export_then_import_round_trips_every_network_bit_for_bit()
    {
        INetwork[] networks =
        [
            TestModels.EveryLayer(seed: 4),
            TestModels.RectangularAndPadded(seed: 4),
            SimpleConvNet.Create(new SimpleConvNetOptions { WeightInitStandardDeviation = 0.1f }, seed: 4),
            DeepConvNet.Create(seed: 4),
            BestConvNet.Create(seed: 4),
        ];
        foreach (INetwork network in networks)
        {
            TestModels.Randomize(network, seed: 5);
            var stream = new MemoryStream();
            PyTorchStateDict.Export(network, stream);
            stream.Position = 0;
            var copy = (Sequential)Model.Load(Save(network)).Network;
            TestModels.Randomize(copy, seed: 6);

            PyTorchStateDict.ImportInto(copy, stream);

            var expected = NetworkTensors.Collect(network);
            var actual = NetworkTensors.Collect(copy);
            for (int i = 0; i < expected.Count; i++)
            {
                actual[i].Value.ToArray().Should().Equal(expected[i].Value.ToArray(), expected[i].Key);
            }
        }

        string Save(INetwork network)
        {
            string path = Path.Combine(_folder.Path, "model.safetensors");
            new Model(network, "copy").Save(path);
            return path;
        }
    }

    [Fact]
    public void The_seeds_network_maps_to_the_three_line_module_of_the_README()
    {
        PyTorchStateDict.ModuleSource(SimpleConvNet.Create(seed: 1)).Should().Be(
            "torch.nn.Sequential(torch.nn.Conv2d(1, 30, kernel_size=5), torch.nn.ReLU(), torch.nn.MaxPool2d(kernel_size=2, stride=2), " +
            "torch.nn.Flatten(), torch.nn.Linear(4320, 100), torch.nn.ReLU(), torch.nn.Linear(100, 10))");
        PyTorchStateDict.ModuleSource(BestConvNet.Create(seed: 1)).Should().StartWith(
            "torch.nn.Sequential(torch.nn.Conv2d(1, 32, kernel_size=5, padding=2), torch.nn.BatchNorm2d(32, eps=1e-05, momentum=0.1), torch.nn.ReLU(), ");
    }

    [Fact]
    public void Rectangular_kernels_are_tuples_and_padded_pooling_is_a_zero_border_module_of_its_own()
    {
        // MaxPool2d's own padding is −∞ and AvgPool2d's at most half the window: the seed's zero border is ZeroPad2d,
        // which takes a module number, so conv2's weights are "4.weight".
        PyTorchStateDict.ModuleSource(TestModels.RectangularAndPadded(seed: 1)).Should().Be(
            "torch.nn.Sequential(torch.nn.Conv2d(2, 4, kernel_size=(3, 5), stride=2, padding=1), torch.nn.ZeroPad2d(1), " +
            "torch.nn.MaxPool2d(kernel_size=(2, 3), stride=2), torch.nn.ReLU(), torch.nn.Conv2d(4, 3, kernel_size=(2, 1)), torch.nn.ZeroPad2d(1), " +
            "torch.nn.AvgPool2d(kernel_size=(3, 2), stride=1), torch.nn.Flatten(), torch.nn.Linear(36, 5))");
    }

    [Fact]
    public void A_file_that_does_not_fit_names_the_keys_and_changes_nothing()
    {
        Sequential network = Equivalent("small_convnet");
        float[] before = network.Parameters[0].Parameter.Value.ToArray();
        string path = Path.Combine(_folder.Path, "renamed.safetensors");
        Rewrite(FixturePath("small_convnet"), path, (name, entry) => name == "4.weight" ? ("linear.weight", entry) : (name, entry));

        FluentActions.Invoking(() => PyTorchStateDict.ImportInto(network, path)).Should().Throw<InvalidDataException>()
            .WithMessage("*tensor '4.weight' [16, 64] is missing from the file*the file holds tensor 'linear.weight' [16, 64] that the network does not have*");
        network.Parameters[0].Parameter.Value.ToArray().Should().Equal(before);

        FluentActions.Invoking(() => PyTorchStateDict.ImportInto(TestModels.EveryLayer(seed: 1), FixturePath("small_convnet"))).Should().Throw<InvalidDataException>()
            .WithMessage("*'0.weight' is [4, 1, 5, 5] in the file but [4, 3, 3, 3] in the network*");
    }

    [Fact]
    public void Other_dtypes_counters_of_another_shape_and_non_finite_weights_are_refused()
    {
        string path = Path.Combine(_folder.Path, "changed.safetensors");
        Rewrite(FixturePath("every_layer"), path, (name, entry) => name == "1.num_batches_tracked" ? (name, entry with { Shape = [1] }) : (name, entry));
        FluentActions.Invoking(() => PyTorchStateDict.ImportInto(TestModels.EveryLayer(seed: 1), path)).Should().Throw<InvalidDataException>()
            .WithMessage("*holds '1.num_batches_tracked' as I64 [1]; PyTorch stores it as an I64 scalar []*");

        Rewrite(FixturePath("small_convnet"), path, (name, entry) => name == "4.bias" ? (name, entry with { DType = "F16", Shape = [32] }) : (name, entry));
        FluentActions.Invoking(() => PyTorchStateDict.ImportInto(Equivalent("small_convnet"), path)).Should().Throw<InvalidDataException>()
            .WithMessage("*tensor '4.bias' has dtype F16; only F32*");

        Rewrite(FixturePath("small_convnet"), path, (name, entry) => name == "4.bias" ? (name, entry with { DType = "I64", Shape = [8] }) : (name, entry));
        FluentActions.Invoking(() => PyTorchStateDict.ImportInto(Equivalent("small_convnet"), path)).Should().Throw<InvalidDataException>()
            .WithMessage("*tensor '4.bias' is stored as I64; expected F32*");

        Sequential network = Equivalent("small_convnet");
        var stream = new MemoryStream();
        network.Parameters[3].Parameter.Value.Span[2] = float.PositiveInfinity;
        PyTorchStateDict.Export(network, stream);
        stream.Position = 0;
        FluentActions.Invoking(() => PyTorchStateDict.ImportInto(Equivalent("small_convnet"), stream)).Should().Throw<InvalidDataException>()
            .WithMessage("*holds +Infinity at index 2 of tensor '4.bias' [16]*");
    }

    [Fact]
    public void A_layer_without_a_PyTorch_counterpart_is_named()
    {
        var custom = new SequentialBuilder(new TensorShape(3)).Add(new TestNetworks.LinearLayer("linear", 3, 2)).Build(new SoftmaxWithLoss(), seed: 1);
        FluentActions.Invoking(() => PyTorchStateDict.ModuleSource(custom)).Should().Throw<ArgumentException>().WithMessage("*'linear'*no PyTorch counterpart*");
    }

    /// <summary>Each tensor's dtype, shape and raw bytes, read with the format's own rules, not the library's reader.</summary>
    private static Dictionary<string, (string DType, int[] Shape, byte[] Bytes)> RawEntries(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        using var header = JsonDocument.Parse(file.AsMemory(8, headerLength));
        var entries = new Dictionary<string, (string, int[], byte[])>(StringComparer.Ordinal);
        foreach (JsonProperty property in header.RootElement.EnumerateObject().Where(property => property.Name != "__metadata__"))
        {
            int[] offsets = [.. property.Value.GetProperty("data_offsets").EnumerateArray().Select(offset => offset.GetInt32())];
            entries[property.Name] = (
                property.Value.GetProperty("dtype").GetString()!,
                [.. property.Value.GetProperty("shape").EnumerateArray().Select(dimension => dimension.GetInt32())],
                file[(8 + headerLength + offsets[0])..(8 + headerLength + offsets[1])]);
        }

        return entries;
    }

    /// <summary>Copies a safetensors file, renaming or retyping entries in its header (the data stays as it is).</summary>
    private static void Rewrite(string source, string target, Func<string, HeaderEntry, (string, HeaderEntry)> change)
    {
        byte[] file = File.ReadAllBytes(source);
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        using var header = JsonDocument.Parse(file.AsMemory(8, headerLength));
        var changed = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (JsonProperty property in header.RootElement.EnumerateObject())
        {
            if (property.Name == "__metadata__")
            {
                changed[property.Name] = property.Value.Clone();
                continue;
            }

            var entry = new HeaderEntry(
                property.Value.GetProperty("dtype").GetString()!,
                [.. property.Value.GetProperty("shape").EnumerateArray().Select(dimension => dimension.GetInt32())],
                [.. property.Value.GetProperty("data_offsets").EnumerateArray().Select(offset => offset.GetInt64())]);
            (string name, HeaderEntry value) = change(property.Name, entry);
            changed[name] = new Dictionary<string, object> { ["dtype"] = value.DType, ["shape"] = value.Shape, ["data_offsets"] = value.Offsets };
        }

        byte[] text = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(changed));
        var bytes = new byte[8 + text.Length + (file.Length - 8 - headerLength)];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)text.Length);
        text.CopyTo(bytes, 8);
        file.AsSpan(8 + headerLength).CopyTo(bytes.AsSpan(8 + text.Length));
        File.WriteAllBytes(target, bytes);
    }

    /// <summary>With CONVNET_PYTORCH_EXPORT_DIR set, keeps an exported file for <c>make_fixtures.py check</c> (run by hand).</summary>
    private static void SaveForPyTorchCheck(string exported)
    {
        if (Environment.GetEnvironmentVariable("CONVNET_PYTORCH_EXPORT_DIR") is { Length: > 0 } folder)
        {
            File.Copy(exported, Path.Combine(folder, Path.GetFileName(exported)), overwrite: true);
        }
    }

    private sealed record HeaderEntry(string DType, int[] Shape, long[] Offsets);
}
