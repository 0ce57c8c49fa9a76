using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Serialization;

/// <summary>
/// Reads and writes the safetensors layout: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
/// mapping each tensor name to its <c>dtype</c>, <c>shape</c> and <c>data_offsets</c> (relative to the data
/// section) plus an optional <c>__metadata__</c> string map, then the raw little-endian data. Tensors are F32; I64 is
/// read and written for PyTorch's <c>num_batches_tracked</c> counters.
/// </summary>
/// <remarks>
/// Reading treats the file as untrusted: the header's size, its tensor count and each tensor's rank are capped
/// before the header is parsed into objects, its text must be valid UTF-8, every number in it is checked against
/// the file before it is used, and the tensors must tile the data section exactly (no overlap, no gap, no
/// trailing bytes), as the reference implementation requires. Names quoted in errors are cut short, so a hostile
/// file cannot flood the caller's log.
/// </remarks>
internal static class SafeTensorsFormat
{
    /// <summary>The header key holding the string-to-string metadata map.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>
    /// The largest header accepted: 16 MiB. The reference implementation allows 100 MiB, which lets a file of a
    /// few bytes' data list millions of empty tensors; a network's header here takes a few kilobytes.
    /// </summary>
    public const long MaxHeaderLength = 16L << 20;

    /// <summary>The most tensors one file may list (a large ResNet has about a thousand).</summary>
    public const int MaxTensorCount = 16_384;

    /// <summary>The most dimensions one tensor may have.</summary>
    public const int MaxRank = 8;

    /// <summary>The dtype of float32 tensors.</summary>
    public const string Float32 = "F32";

    /// <summary>The dtype of int64 tensors.</summary>
    public const string Int64 = "I64";

    /// <summary>Writes <paramref name="tensors"/>, then <paramref name="int64Scalars"/> (I64, shape []), and <paramref name="metadata"/> to <paramref name="stream"/>.</summary>
    public static void Write(
        Stream stream,
        IReadOnlyList<KeyValuePair<string, FloatTensor>> tensors,
        IReadOnlyDictionary<string, string> metadata,
        IReadOnlyList<KeyValuePair<string, long>>? int64Scalars = null)
    {
        int64Scalars ??= [];
        RequireLittleEndian();
        var header = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteStartObject(MetadataKey);
            foreach (var (key, value) in metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            long offset = 0;
            foreach (var tensor in tensors)
            {
                long byteCount = (long)tensor.Value.Length * sizeof(float);
                json.WriteStartObject(tensor.Key);
                json.WriteString("dtype", Float32);
                json.WriteStartArray("shape");
                foreach (int dimension in tensor.Value.Shape.ToArray())
                {
                    json.WriteNumberValue(dimension);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + byteCount);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += byteCount;
            }

            foreach (var scalar in int64Scalars)
            {
                json.WriteStartObject(scalar.Key);
                json.WriteString("dtype", Int64);
                json.WriteStartArray("shape");
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + sizeof(long));
                json.WriteEndArray();
                json.WriteEndObject();
                offset += sizeof(long);
            }

            json.WriteEndObject();
        }

        // Pad with spaces (valid JSON whitespace) so the data section starts 8-byte aligned, as the reference writer does.
        int padding = (8 - (header.WrittenCount % 8)) % 8;
        Span<byte> lengthBytes = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(lengthBytes, (ulong)(header.WrittenCount + padding));
        stream.Write(lengthBytes);
        stream.Write(header.WrittenSpan);
        for (int i = 0; i < padding; i++)
        {
            stream.WriteByte((byte)' ');
        }

        foreach (var tensor in tensors)
        {
            stream.Write(MemoryMarshal.AsBytes(tensor.Value.ReadOnlySpan));
        }

        Span<byte> scalarBytes = stackalloc byte[sizeof(long)];
        foreach (var scalar in int64Scalars)
        {
            BinaryPrimitives.WriteInt64LittleEndian(scalarBytes, scalar.Value);
            stream.Write(scalarBytes);
        }
    }

    /// <summary>Reads and validates the header of the file open in <paramref name="stream"/>.</summary>
    /// <param name="stream">A seekable stream positioned at the start of the file.</param>
    /// <param name="fileName">The file's name, for messages.</param>
    /// <exception cref="InvalidDataException">The header is truncated, malformed or inconsistent with the file.</exception>
    public static SafeTensorsHeader ReadHeader(Stream stream, string fileName)
    {
        long fileLength = stream.Length;
        Span<byte> lengthBytes = stackalloc byte[sizeof(ulong)];
        if (fileLength < lengthBytes.Length)
        {
            throw Corrupt(fileName, $"it is {fileLength} bytes long, shorter than the 8-byte header length");
        }

        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength < 2 || headerLength > MaxHeaderLength || (long)headerLength > fileLength - lengthBytes.Length)
        {
            throw Corrupt(
                fileName,
                $"its header length is {headerLength} bytes but must be 2 to {Math.Min(MaxHeaderLength, fileLength - lengthBytes.Length)}");
        }

        var headerBytes = new byte[(int)headerLength];
        stream.ReadExactly(headerBytes);
        long dataStart = lengthBytes.Length + (long)headerLength;
        long dataLength = fileLength - dataStart;
        if (!Utf8.IsValid(headerBytes))
        {
            throw Corrupt(fileName, "its header is not valid UTF-8 text");
        }

        JsonDocument document;
        try
        {
            CountTopLevelEntries(headerBytes, fileName);
            document = UntrustedJson.Parse(headerBytes);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"'{fileName}' is not a valid checkpoint: its header is not valid JSON ({exception.Message}).", exception);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Corrupt(fileName, $"its header is a JSON {document.RootElement.ValueKind}, not an object");
            }

            var entries = new List<SafeTensorsEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw Corrupt(fileName, $"its header names {UntrustedText.Quote(property.Name)} twice");
                }

                if (property.Name == MetadataKey)
                {
                    ReadMetadata(property.Value, metadata, fileName);
                }
                else
                {
                    entries.Add(ReadEntry(property, fileName));
                }
            }

            CheckTiling(entries, dataLength, fileName);
            return new SafeTensorsHeader(entries, metadata, dataStart);
        }
    }

    /// <summary>Reads the data of <paramref name="entry"/> into <paramref name="destination"/>.</summary>
    /// <param name="stream">The stream <paramref name="header"/> was read from.</param>
    /// <param name="header">The file's validated header.</param>
    /// <param name="entry">One of the header's entries.</param>
    /// <param name="destination">Exactly as many floats as the entry holds.</param>
    public static void ReadData(Stream stream, SafeTensorsHeader header, SafeTensorsEntry entry, Span<float> destination)
    {
        RequireLittleEndian();
        stream.Position = header.DataStart + entry.Begin;
        stream.ReadExactly(MemoryMarshal.AsBytes(destination));
    }

    private static void ReadMetadata(JsonElement element, Dictionary<string, string> metadata, string fileName)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Corrupt(fileName, $"its {MetadataKey} is a JSON {element.ValueKind}, not an object of strings");
        }

        foreach (var item in element.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw Corrupt(fileName, $"metadata {UntrustedText.Quote(item.Name)} is a JSON {item.Value.ValueKind}, not a string");
            }

            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
            {
                throw Corrupt(fileName, $"its metadata names {UntrustedText.Quote(item.Name)} twice");
            }
        }
    }

    private static SafeTensorsEntry ReadEntry(JsonProperty property, string fileName)
    {
        string name = property.Name;
        var element = property.Value;
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Corrupt(fileName, $"tensor {UntrustedText.Quote(name)} is a JSON {element.ValueKind}, not an object");
        }

        string? dtype = element.TryGetProperty("dtype", out var dtypeElement) && dtypeElement.ValueKind == JsonValueKind.String
            ? dtypeElement.GetString()
            : null;
        if (dtype is not (Float32 or Int64))
        {
            throw Corrupt(fileName, $"tensor {UntrustedText.Quote(name)} has dtype {(dtype is null ? "(none)" : UntrustedText.Cut(dtype))}; only {Float32} (and {Int64} counters) are supported");
        }

        var shapeElements = RequireArray(element, "shape", name, fileName);
        if (shapeElements.Length > MaxRank)
        {
            throw Corrupt(fileName, $"tensor {UntrustedText.Quote(name)} has {shapeElements.Length} dimensions; at most {MaxRank} are accepted");
        }

        var shape = new int[shapeElements.Length];
        long elementCount = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            // TryGetInt32 throws rather than answers for a string, null or array: check the kind first.
            if (shapeElements[i].ValueKind != JsonValueKind.Number || !shapeElements[i].TryGetInt32(out shape[i]) || shape[i] < 0)
            {
                throw Corrupt(fileName, $"tensor {UntrustedText.Quote(name)} has dimension {i} = {UntrustedText.Cut(shapeElements[i].GetRawText())}, not a non-negative 32-bit integer");
            }

            if (shape[i] != 0 && elementCount > Array.MaxLength / shape[i])
            {
                throw Corrupt(fileName, $"tensor {UntrustedText.Quote(name)} has shape [{string.Join(", ", shape)}], more elements than an array can hold");
            }

            elementCount *= shape[i];
        }

        var offsets = RequireArray(element, "data_offsets", name, fileName);
        long begin = 0, end = 0;
        if (offsets.Length != 2 || offsets.Any(offset => offset.ValueKind != JsonValueKind.Number)
            || !offsets[0].TryGetInt64(out begin) || !offsets[1].TryGetInt64(out end) || begin < 0 || end < begin)
        {
            throw Corrupt(fileName, $"tensor {UntrustedText.Quote(name)} has data_offsets {UntrustedText.Cut(element.GetProperty("data_offsets").GetRawText())}; expected [begin, end] with 0 <= begin <= end");
        }

        int elementSize = dtype == Int64 ? sizeof(long) : sizeof(float);
        if (end - begin != elementCount * elementSize)
        {
            throw Corrupt(
                fileName,
                $"tensor {UntrustedText.Quote(name)} spans {end - begin} bytes but its shape [{string.Join(", ", shape)}] needs {elementCount * elementSize}");
        }

        return new SafeTensorsEntry(name, dtype, shape, begin, end);
    }

    private static JsonElement[] RequireArray(JsonElement element, string key, string name, string fileName)
    {
        if (!element.TryGetProperty(key, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw Corrupt(fileName, $"tensor {UntrustedText.Quote(name)} has no '{key}' array");
        }

        return [.. array.EnumerateArray()];
    }

    /// <summary>Checks that the entries cover the data section exactly once, in order, with nothing left over.</summary>
    private static void CheckTiling(List<SafeTensorsEntry> entries, long dataLength, string fileName)
    {
        entries.Sort((left, right) => left.Begin != right.Begin ? left.Begin.CompareTo(right.Begin) : left.End.CompareTo(right.End));
        long expectedBegin = 0;
        foreach (var entry in entries)
        {
            if (entry.Begin != expectedBegin)
            {
                string problem = entry.Begin < expectedBegin ? "overlaps the tensor before it" : "leaves a gap after the tensor before it";
                throw Corrupt(fileName, $"tensor {UntrustedText.Quote(entry.Name)} starts at data byte {entry.Begin} and {problem} (which ends at {expectedBegin})");
            }

            if (entry.End > dataLength)
            {
                throw Corrupt(fileName, $"tensor {UntrustedText.Quote(entry.Name)} ends at data byte {entry.End} but the data section has only {dataLength} bytes (truncated file?)");
            }

            expectedBegin = entry.End;
        }

        if (expectedBegin != dataLength)
        {
            throw Corrupt(fileName, $"its data section has {dataLength} bytes but the tensors account for {expectedBegin}");
        }
    }

    /// <summary>
    /// Refuses a header listing more than <see cref="MaxTensorCount"/> entries before it is parsed into objects (a
    /// document of millions of tiny entries costs gigabytes); a forward-only pass allocates nothing.
    /// </summary>
    private static void CountTopLevelEntries(byte[] headerBytes, string fileName)
    {
        var reader = new Utf8JsonReader(headerBytes);
        int count = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && ++count > MaxTensorCount + 1)
            {
                // The +1 leaves room for the metadata entry.
                throw Corrupt(fileName, $"its header lists more than {MaxTensorCount:N0} tensors, the most accepted");
            }
        }
    }

    private static InvalidDataException Corrupt(string fileName, string problem) =>
        new($"'{fileName}' is not a valid checkpoint: {problem}.");

    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Checkpoints store little-endian floats; this machine is big-endian.");
        }
    }
}
