using System.Globalization;
using System.Numerics.Tensors;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Serialization;

/// <summary>
/// One checkpoint opened for reading (from a file or a stream) with its validated header, and the one way tensors
/// get from a checkpoint into a network: every tensor is checked by name and shape, read into scratch memory and
/// checked to be finite before the first value of the network changes, so a failed load leaves it untouched.
/// </summary>
internal sealed class CheckpointReader : IDisposable
{
    private static readonly HashSet<string> NothingSkipped = [];

    private readonly Stream _stream;
    private readonly bool _ownsStream;

    private CheckpointReader(Stream stream, bool ownsStream, string source)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        Source = source;
        try
        {
            Header = SafeTensorsFormat.ReadHeader(stream, source);
        }
        catch (EndOfStreamException exception)
        {
            throw EndedEarly(source, exception);
        }

        if (Header.Metadata.TryGetValue(Checkpoint.VersionKey, out string? version)
            && (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number > Checkpoint.FormatVersion))
        {
            throw new InvalidDataException(
                $"'{source}' has checkpoint format version '{version}'; this library reads versions up to {Checkpoint.FormatVersion}.");
        }
    }

    /// <summary>What messages call the checkpoint: its path, or a description of the stream.</summary>
    public string Source { get; }

    /// <summary>The validated safetensors header.</summary>
    public SafeTensorsHeader Header { get; }

    /// <summary>The <c>__metadata__</c> string map.</summary>
    public IReadOnlyDictionary<string, string> Metadata => Header.Metadata;

    /// <summary>Opens the checkpoint file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The header is corrupt, truncated or of a newer format version.</exception>
    public static CheckpointReader Open(string path)
    {
        var stream = InputFile.OpenRead(path);
        try
        {
            return new CheckpointReader(stream, ownsStream: true, path);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The most bytes <see cref="Open(Stream, long)"/> copies from a stream that cannot seek: 1 GiB, far above any model here.</summary>
    public const long MaxBufferedStreamBytes = 1L << 30;

    /// <summary>The most problems a "does not fit this network" error lists; it counts the rest.</summary>
    private const int MaxProblemsListed = 8;

    /// <summary>
    /// Opens a checkpoint that starts at the current position of <paramref name="stream"/>. A stream that cannot seek,
    /// or does not start at position 0, is first copied to memory (the tensors are not read in file order), at most
    /// <paramref name="maxBufferedBytes"/> of it, so an endless or hostile stream cannot take all memory.
    /// The caller keeps ownership of <paramref name="stream"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The header is corrupt, truncated or of a newer format version, or a stream
    /// that must be copied holds more than <paramref name="maxBufferedBytes"/>.</exception>
    public static CheckpointReader Open(Stream stream, long maxBufferedBytes = MaxBufferedStreamBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream cannot be read.", nameof(stream));
        }

        string source = stream is FileStream file ? file.Name : "stream";
        if (stream.CanSeek && stream.Position == 0)
        {
            return new CheckpointReader(stream, ownsStream: false, source);
        }

        var copy = new MemoryStream();
        byte[] buffer = new byte[81_920];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            if (copy.Length + read > maxBufferedBytes)
            {
                throw new InvalidDataException(
                    $"The {source} holds more than {maxBufferedBytes:N0} bytes, the limit for a checkpoint read from a stream that cannot seek.");
            }

            copy.Write(buffer, 0, read);
        }

        copy.Position = 0;
        return new CheckpointReader(copy, ownsStream: true, source);
    }

    /// <summary>
    /// Restores every parameter and state tensor of <paramref name="network"/> (by the names <see cref="NetworkTensors"/>
    /// gives them); the file must hold exactly those tensors with the same shapes.
    /// </summary>
    /// <exception cref="InvalidDataException">A tensor is missing, unexpected, shaped differently or not finite, or the data
    /// ends early. Nothing in the network has changed when this is thrown.</exception>
    public void LoadInto(INetwork network) =>
        LoadInto([.. NetworkTensors.Collect(network).Select(tensor => new TensorBinding(tensor.Key, tensor.Value.Shape.ToArray(), tensor.Value))], NothingSkipped);

    /// <summary>
    /// Fills each binding's target from the file tensor of its name; the file must hold exactly these tensors (besides
    /// <paramref name="skipped"/> ones, which are left unread) with the bindings' shapes.
    /// </summary>
    /// <exception cref="InvalidDataException">As for <see cref="LoadInto(INetwork)"/>. No target has changed when this is thrown.</exception>
    public void LoadInto(IReadOnlyList<TensorBinding> bindings, IReadOnlySet<string> skipped)
    {
        var fileEntries = Header.Entries.ToDictionary(entry => entry.Name, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (TensorBinding binding in bindings)
        {
            if (!fileEntries.TryGetValue(binding.Name, out var entry))
            {
                problems.Add($"tensor '{binding.Name}' {Format(binding.FileShape)} is missing from the file");
            }
            else if (entry.DType != SafeTensorsFormat.Float32)
            {
                problems.Add($"tensor '{binding.Name}' is stored as {entry.DType}; expected {SafeTensorsFormat.Float32}");
            }
            else if (!entry.Shape.AsSpan().SequenceEqual(binding.FileShape))
            {
                problems.Add($"tensor '{binding.Name}' is {entry.FormattedShape} in the file but {Format(binding.FileShape)} in the network");
            }
        }

        var expectedNames = bindings.Select(binding => binding.Name).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(Header.Entries
            .Where(entry => !expectedNames.Contains(entry.Name) && !skipped.Contains(entry.Name))
            .Select(entry => $"the file holds tensor {UntrustedText.Quote(entry.Name)} {entry.FormattedShape} that the network does not have"));
        if (problems.Count > 0)
        {
            // A hostile file may list thousands of tensors the network lacks: the message names the first few.
            string more = problems.Count > MaxProblemsListed ? $"; and {problems.Count - MaxProblemsListed:N0} more" : "";
            throw new InvalidDataException($"'{Source}' does not fit this network: {string.Join("; ", problems.Take(MaxProblemsListed))}{more}.");
        }

        // Scratch first: a truncated stream or a NaN found in the last tensor must not leave the first ones replaced.
        float[][] scratch = [.. bindings.Select(binding => ReadFinite(fileEntries[binding.Name]))];
        for (int i = 0; i < bindings.Count; i++)
        {
            bindings[i].Commit(scratch[i]);
        }
    }

    /// <summary>Every tensor of the checkpoint as it is stored, each a new tensor.</summary>
    /// <exception cref="InvalidDataException">A tensor has rank 0 or above 4 or a zero dimension, or the data ends early.</exception>
    public IReadOnlyDictionary<string, FloatTensor> ReadAll()
    {
        var tensors = new Dictionary<string, FloatTensor>(StringComparer.Ordinal);
        foreach (var entry in Header.Entries)
        {
            if (entry.DType != SafeTensorsFormat.Float32 || entry.Shape.Length is < 1 or > TensorShape.MaxRank || entry.Shape.Contains(0))
            {
                throw new InvalidDataException(
                    $"'{Source}' holds tensor '{entry.Name}' {entry.DType} {entry.FormattedShape}; tensors here are {SafeTensorsFormat.Float32} of rank 1 to {TensorShape.MaxRank} with no zero dimension.");
            }

            var tensor = new FloatTensor(new TensorShape(entry.Shape));
            Read(entry, tensor.Span);
            tensors.Add(entry.Name, tensor);
        }

        return tensors;
    }

    /// <summary>The values of <paramref name="entry"/>, which must all be finite.</summary>
    /// <exception cref="InvalidDataException">A value is NaN or infinite (the message names the tensor and the index), or the data ends early.</exception>
    private float[] ReadFinite(SafeTensorsEntry entry)
    {
        var values = new float[(entry.End - entry.Begin) / sizeof(float)];
        Read(entry, values);
        if (!TensorPrimitives.IsFiniteAll<float>(values))
        {
            int index = Array.FindIndex(values, value => !float.IsFinite(value));
            string value = float.IsNaN(values[index]) ? "NaN" : values[index] > 0 ? "+Infinity" : "-Infinity";
            throw new InvalidDataException(
                $"'{Source}' holds {value} at index {index} of tensor '{entry.Name}' {entry.FormattedShape}; " +
                "every weight and state value must be finite.");
        }

        return values;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsStream)
        {
            _stream.Dispose();
        }
    }

    private void Read(SafeTensorsEntry entry, Span<float> destination)
    {
        try
        {
            SafeTensorsFormat.ReadData(_stream, Header, entry, destination);
        }
        catch (EndOfStreamException exception)
        {
            throw EndedEarly(Source, exception);
        }
    }

    private static string Format(int[] shape) => "[" + string.Join(", ", shape) + "]";

    private static InvalidDataException EndedEarly(string source, EndOfStreamException exception) =>
        new($"'{source}' ends before the data its header announces (truncated file or stream?).", exception);
}
