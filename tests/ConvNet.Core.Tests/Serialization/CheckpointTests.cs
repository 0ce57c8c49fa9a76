using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ConvNet.Core.Serialization;
using ConvNet.Core.Tensors;
using ConvNet.Core.Tests.TestNetworks;

namespace ConvNet.Core.Tests.Serialization;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("convnet-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static LinearSoftmaxNetwork TrainedLookingNetwork()
    {
        var network = new LinearSoftmaxNetwork(inputSize: 3, classCount: 4, seed: 7);
        for (int i = 0; i < 4; i++)
        {
            network.Layer.Bias.Span[i] = 0.1f * i;
            network.Layer.Offset.Span[i] = -0.37f * i;
        }

        return network;
    }

    private static FloatTensor SomeInputs() =>
        FloatTensor.FromSpan(new TensorShape(2, 3), [0.3f, -1.2f, 2.5f, 1f, 0.25f, -0.5f]);

    /// <summary>Writes a file in the safetensors layout by hand: length, header text, data.</summary>
    private string WriteRaw(string name, string header, int dataBytes, ulong? headerLength = null)
    {
        var headerBytes = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + headerBytes.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength ?? (ulong)headerBytes.Length);
        headerBytes.CopyTo(bytes, 8);
        string path = PathOf(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Round_trip_restores_parameters_and_state_bit_identically()
    {
        var saved = TrainedLookingNetwork();
        string path = PathOf("model.safetensors");
        Checkpoint.Save(saved, path, new Dictionary<string, string> { ["options"] = "{\"hidden\":100}" });

        var loaded = new LinearSoftmaxNetwork(inputSize: 3, classCount: 4, seed: 99);
        var metadata = Checkpoint.LoadInto(loaded, path);

        loaded.Layer.Weight.ToArray().Should().Equal(saved.Layer.Weight.ToArray());
        loaded.Layer.Bias.ToArray().Should().Equal(saved.Layer.Bias.ToArray());
        loaded.Layer.Offset.ToArray().Should().Equal(saved.Layer.Offset.ToArray());
        loaded.Predict(SomeInputs()).ToArray().Should().Equal(saved.Predict(SomeInputs()).ToArray());
        metadata.Should().Contain("options", "{\"hidden\":100}").And.Contain(Checkpoint.VersionKey, "1");
        Checkpoint.ReadMetadata(path).Should().BeEquivalentTo(metadata);
    }

    [Fact]
    public void File_is_readable_by_an_independent_parser()
    {
        var network = TrainedLookingNetwork();
        string path = PathOf("model.safetensors");
        Checkpoint.Save(network, path, new Dictionary<string, string> { ["network"] = "linear" });

        var bytes = File.ReadAllBytes(path);
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        ((8 + headerLength) % 8).Should().Be(0, "the data section starts 8-byte aligned");
        using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        var root = header.RootElement;
        root.GetProperty("__metadata__").GetProperty("network").GetString().Should().Be("linear");
        root.GetProperty("__metadata__").GetProperty(Checkpoint.VersionKey).GetString().Should().Be("1");

        var weight = root.GetProperty("linear.weight");
        weight.GetProperty("dtype").GetString().Should().Be("F32");
        weight.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).Should().Equal(3, 4);
        var offsets = weight.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt32()).ToArray();
        (offsets[1] - offsets[0]).Should().Be(12 * sizeof(float));
        var values = new float[12];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan((int)(8 + headerLength + offsets[0] + (4 * i))));
        }

        values.Should().Equal(network.Layer.Weight.ToArray());
        root.GetProperty("linear.offset").GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).Should().Equal(4);
        root.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo("__metadata__", "linear.weight", "linear.bias", "linear.offset");
    }

    [Fact]
    public void Save_replaces_an_existing_file_and_leaves_no_temporary_file()
    {
        string path = PathOf("model.safetensors");
        File.WriteAllText(path, "old contents");
        var network = TrainedLookingNetwork();
        Checkpoint.Save(network, path);
        Checkpoint.Save(network, path);

        Directory.GetFiles(_folder).Should().ContainSingle().Which.Should().Be(path);
        Checkpoint.ReadTensors(path)["linear.bias"].ToArray().Should().Equal(network.Layer.Bias.ToArray());
    }

    [Fact]
    public void Save_into_a_missing_folder_names_the_folder()
    {
        string folder = PathOf("missing");
        FluentActions.Invoking(() => Checkpoint.Save(TrainedLookingNetwork(), Path.Combine(folder, "m.safetensors")))
            .Should().Throw<DirectoryNotFoundException>().WithMessage($"*'{folder}' does not exist*");
    }

    [Fact]
    public void Save_rejects_the_reserved_version_key()
    {
        FluentActions.Invoking(() => Checkpoint.Save(
                TrainedLookingNetwork(), PathOf("m.safetensors"), new Dictionary<string, string> { [Checkpoint.VersionKey] = "7" }))
            .Should().Throw<ArgumentException>().WithMessage("*reserved*");
    }

    [Fact]
    public void Loading_into_a_differently_shaped_network_names_the_tensor_and_both_shapes_and_changes_nothing()
    {
        string path = PathOf("model.safetensors");
        Checkpoint.Save(TrainedLookingNetwork(), path);
        var other = new LinearSoftmaxNetwork(inputSize: 5, classCount: 4, seed: 3);
        var before = other.Layer.Weight.ToArray();

        FluentActions.Invoking(() => Checkpoint.LoadInto(other, path)).Should().Throw<InvalidDataException>()
            .WithMessage("*'linear.weight' is [3, 4] in the file but [5, 4] in the network*");
        other.Layer.Weight.ToArray().Should().Equal(before);
        other.Layer.Bias.ToArray().Should().OnlyContain(value => value == 0f, "a failed load must not restore the matching bias either");
    }

    [Fact]
    public void Loading_reports_missing_and_unexpected_tensors_by_name()
    {
        string path = WriteRaw(
            "partial.safetensors",
            "{\"linear.weight\":{\"dtype\":\"F32\",\"shape\":[3,4],\"data_offsets\":[0,48]},"
            + "\"linear.extra\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[48,56]}}",
            dataBytes: 56);

        FluentActions.Invoking(() => Checkpoint.LoadInto(TrainedLookingNetwork(), path)).Should().Throw<InvalidDataException>()
            .WithMessage("*'linear.bias' [4] is missing*'linear.offset' [4] is missing*'linear.extra' [2] that the network does not have*");
    }

    [Fact]
    public void A_file_of_thousands_of_unexpected_tensors_is_refused_in_one_short_line()
    {
        // 3,000 empty tensors with 200-character names (with a line break): a header far below the 16 MiB limit.
        var extras = Enumerable.Range(0, 3000).Select(i => $"\"{i:D4}{new string('x', 196)}\\n\":{{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}");
        string path = WriteRaw("crowded.safetensors", "{" + string.Join(",", extras) + "}", dataBytes: 0);

        string message = FluentActions.Invoking(() => Checkpoint.LoadInto(TrainedLookingNetwork(), path)).Should().Throw<InvalidDataException>().Which.Message;

        message.Length.Should().BeLessThan(2000);
        message.Should().Contain("'linear.weight' [3, 4] is missing").And.Contain("the file holds tensor '0000xxx").And.Contain("(201 characters)")
            .And.Contain("and 2,995 more").And.NotContain("\n");
    }

    [Theory]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16, 4UL, "*shorter than the 8-byte*")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16, 5000UL, "*header length is 5000*")]
    [InlineData("{}", 0, 0UL, "*header length is 0*")]
    [InlineData("{\"w\": {\"dtype\":", 0, null, "*not valid JSON*")]
    [InlineData("[1, 2]", 0, null, "*Array, not an object*")]
    [InlineData("{\"w\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]}}", 8, null, "*dtype F16*")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,8]}}", 8, null, "*spans 8 bytes*needs 16*")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[-4],\"data_offsets\":[0,16]}}", 16, null, "*dimension 0 = -4*")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[16,0]}}", 16, null, "*data_offsets*")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[16],\"data_offsets\":[0,64]}}", 16, null, "*ends at data byte 64*only 16*")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", 24, null, "*overlaps*")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[4,20]}}", 20, null, "*gap*")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 20, null, "*20 bytes but the tensors account for 16*")]
    [InlineData("{\"__metadata__\":{\"a\":1}}", 0, null, "*metadata 'a' is a JSON Number*")]
    [InlineData("{\"__metadata__\":{\"convnet.checkpoint_version\":\"2\"}}", 0, null, "*version '2'*")]
    public void Corrupt_files_throw_InvalidDataException(string header, int dataBytes, ulong? headerLength, string message)
    {
        string path = WriteRaw("corrupt.safetensors", header, dataBytes, headerLength);
        if (headerLength == 4UL)
        {
            File.WriteAllBytes(path, new byte[4]);
        }

        FluentActions.Invoking(() => Checkpoint.ReadTensors(path)).Should().Throw<InvalidDataException>().WithMessage(message);
        FluentActions.Invoking(() => Checkpoint.ReadMetadata(path)).Should().Throw<InvalidDataException>();
    }

    [Fact]
    public void A_truncated_checkpoint_throws_InvalidDataException()
    {
        string path = PathOf("model.safetensors");
        Checkpoint.Save(TrainedLookingNetwork(), path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]);

        FluentActions.Invoking(() => Checkpoint.LoadInto(TrainedLookingNetwork(), path)).Should().Throw<InvalidDataException>()
            .WithMessage("*linear.offset*truncated*");
    }

    [Fact]
    public void A_non_finite_value_in_the_last_tensor_leaves_every_tensor_of_the_network_untouched()
    {
        var saved = TrainedLookingNetwork();
        saved.Layer.Offset.Span[2] = float.NaN;
        string path = PathOf("nan.safetensors");
        Checkpoint.Save(saved, path);
        var target = new LinearSoftmaxNetwork(inputSize: 3, classCount: 4, seed: 99);
        float[] weightBefore = target.Layer.Weight.ToArray();

        FluentActions.Invoking(() => Checkpoint.LoadInto(target, path)).Should().Throw<InvalidDataException>()
            .WithMessage($"'{path}' holds NaN at index 2 of tensor 'linear.offset' [4]*finite*");
        target.Layer.Weight.ToArray().Should().Equal(weightBefore, "the weights are read into scratch memory and committed only when all are good");
        target.Layer.Bias.ToArray().Should().OnlyContain(value => value == 0f);
    }

    [Fact]
    public void Loading_from_a_stream_restores_the_same_values_and_a_cut_stream_changes_nothing()
    {
        var saved = TrainedLookingNetwork();
        string path = PathOf("model.safetensors");
        Checkpoint.Save(saved, path);
        byte[] bytes = File.ReadAllBytes(path);

        var loaded = new LinearSoftmaxNetwork(inputSize: 3, classCount: 4, seed: 99);
        Checkpoint.LoadInto(loaded, new MemoryStream(bytes)).Should().ContainKey(Checkpoint.VersionKey);
        loaded.Predict(SomeInputs()).ToArray().Should().Equal(saved.Predict(SomeInputs()).ToArray());

        var untouched = new LinearSoftmaxNetwork(inputSize: 3, classCount: 4, seed: 99);
        float[] before = untouched.Layer.Weight.ToArray();
        FluentActions.Invoking(() => Checkpoint.LoadInto(untouched, new MemoryStream(bytes[..^6]))).Should().Throw<InvalidDataException>()
            .WithMessage("'stream' is not a valid checkpoint*truncated*");
        untouched.Layer.Weight.ToArray().Should().Equal(before);
    }
}
