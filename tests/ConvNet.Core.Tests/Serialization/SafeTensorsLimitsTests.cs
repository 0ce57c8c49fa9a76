using System.Buffers.Binary;
using System.Text;
using ConvNet.Core.Serialization;
using ConvNet.Core.Tests.Data;

namespace ConvNet.Core.Tests.Serialization;

/// <summary>The safetensors reader's limits on hostile headers: size, tensor count, rank, text encoding and escapes, message length.</summary>
public sealed class SafeTensorsLimitsTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Write(string name, byte[] header, int dataBytes = 0)
    {
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return _folder.Write(name, bytes);
    }

    private string Write(string name, string header, int dataBytes = 0) => Write(name, Encoding.UTF8.GetBytes(header), dataBytes);

    [Fact]
    public void A_header_listing_more_tensors_than_the_cap_is_refused_before_it_is_parsed()
    {
        // Empty tensors tile an empty data section, so without a cap this tiny file would be valid.
        var header = new StringBuilder("{");
        for (int i = 0; i <= SafeTensorsFormat.MaxTensorCount + 1; i++)
        {
            header.Append(i == 0 ? "" : ",").Append($"\"t{i}\":{{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}");
        }

        string path = Write("many.safetensors", header.Append('}').ToString());

        FluentActions.Invoking(() => Checkpoint.ReadMetadata(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"'{path}'*more than {SafeTensorsFormat.MaxTensorCount:N0} tensors*");
    }

    [Fact]
    public void A_header_over_the_size_cap_is_refused_before_it_is_read()
    {
        // Valid JSON (an empty object and spaces), just too long.
        byte[] header = new byte[SafeTensorsFormat.MaxHeaderLength + 8];
        header.AsSpan().Fill((byte)' ');
        header[0] = (byte)'{';
        header[^1] = (byte)'}';
        string path = Write("long-header.safetensors", header);

        FluentActions.Invoking(() => Checkpoint.ReadMetadata(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"'{path}'*header length is {header.Length} bytes but must be 2 to {SafeTensorsFormat.MaxHeaderLength}*");
    }

    [Fact]
    public void Invalid_UTF8_in_a_tensor_name_is_refused_naming_the_file()
    {
        byte[] header = [.. "{\"w\xff"u8, .. "x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"u8];
        header[3] = 0xFF;
        string path = Write("bad-name.safetensors", header, dataBytes: 4);

        FluentActions.Invoking(() => Checkpoint.ReadTensors(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"'{path}'*not valid UTF-8*");
    }

    // System.Text.Json parses an escaped half of a surrogate pair and throws InvalidOperationException only when the
    // string is read (found by AFL++, fuzz/README.md): in a tensor name, a key the reader looks up, a metadata key or
    // value, and a value it compares.
    [Theory]
    [InlineData("{\"w\\ud800\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}")]
    [InlineData("{\"w\":{\"dt\\udc00ype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}")]
    [InlineData("{\"w\":{\"dtype\":\"F32\\ud800\\u0041\",\"shape\":[1],\"data_offsets\":[0,4]}}")]
    [InlineData("{\"__metadata__\":{\"k\\ud800\":\"v\"},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}")]
    [InlineData("{\"__metadata__\":{\"k\":\"\\udfff\"},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}")]
    public void An_escaped_half_surrogate_pair_in_the_header_is_refused_naming_the_file(string header)
    {
        string path = Write("surrogate.safetensors", header, dataBytes: 4);

        FluentActions.Invoking(() => Checkpoint.ReadTensors(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"'{path}'*not valid JSON*half of a UTF-16 surrogate pair*");
    }

    [Fact]
    public void Names_quoted_in_errors_are_cut_short_and_control_characters_hidden()
    {
        string longName = new('n', 1_000_000);
        string path = Write("long-name.safetensors", $"{{\"{longName}\":{{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]}}}}", 2);
        string controlPath = Write("control.safetensors", "{\"a\\u001b[2Jb\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1);

        string message = FluentActions.Invoking(() => Checkpoint.ReadMetadata(path)).Should().Throw<InvalidDataException>().Which.Message;
        message.Should().Contain("(1,000,000 characters)");
        message.Length.Should().BeLessThan(400);
        FluentActions.Invoking(() => Checkpoint.ReadMetadata(controlPath)).Should().Throw<InvalidDataException>()
            .Which.Message.Should().Contain("'a?[2Jb'").And.NotContain("\u001b");
    }

    [Fact]
    public void A_tensor_of_more_dimensions_than_the_cap_is_refused()
    {
        string shape = string.Join(",", Enumerable.Repeat(1, SafeTensorsFormat.MaxRank + 1));
        string path = Write("rank.safetensors", $"{{\"w\":{{\"dtype\":\"F32\",\"shape\":[{shape}],\"data_offsets\":[0,4]}}}}", 4);

        FluentActions.Invoking(() => Checkpoint.ReadMetadata(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"'{path}'*'w' has {SafeTensorsFormat.MaxRank + 1} dimensions; at most {SafeTensorsFormat.MaxRank}*");
    }
}
