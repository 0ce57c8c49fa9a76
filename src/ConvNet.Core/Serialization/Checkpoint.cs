using System.Globalization;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Serialization;

/// <summary>
/// Saves and restores a network's parameters (by their <see cref="NamedParameter"/> names, such as
/// <c>conv1.weight</c>) and the state of its <see cref="IStatefulLayer"/> layers, together with string metadata, in
/// one safetensors file that numpy and PyTorch users
/// can read. The metadata always holds <see cref="VersionKey"/>; put the network's options there (as JSON) so
/// the network can be rebuilt before loading.
/// </summary>
/// <remarks>
/// Saving writes a temporary file in the target folder and renames it over the target, so a crash never leaves a
/// half-written checkpoint. Loading is strict: it checks the whole file against the network before it changes
/// any tensor. A file without <see cref="VersionKey"/> (written by another safetensors tool with the same tensor
/// names) is accepted; one with a newer version is refused.
/// </remarks>
public static class Checkpoint
{
    /// <summary>The metadata key holding the checkpoint format version.</summary>
    public const string VersionKey = "convnet.checkpoint_version";

    /// <summary>The format version this library writes and the newest it reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>Saves every parameter and state tensor of <paramref name="network"/> to <paramref name="path"/>, replacing it.</summary>
    /// <param name="network">The network to save.</param>
    /// <param name="path">The file to write (conventionally <c>.safetensors</c>); its folder must exist.</param>
    /// <param name="metadata">Extra string pairs to store, such as the network options as JSON; may be null.</param>
    /// <exception cref="ArgumentException"><paramref name="metadata"/> uses the reserved <see cref="VersionKey"/>.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    public static void Save(INetwork network, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var allMetadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            if (key == VersionKey)
            {
                throw new ArgumentException($"The metadata key '{VersionKey}' is reserved for the format version.", nameof(metadata));
            }

            allMetadata[key] = value ?? throw new ArgumentException($"Metadata '{key}' is null.", nameof(metadata));
        }

        allMetadata[VersionKey] = FormatVersion.ToString(CultureInfo.InvariantCulture);
        var tensors = NetworkTensors.Collect(network);

        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath) ?? ".";
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Cannot save checkpoint '{path}': the folder '{folder}' does not exist.");
        }

        string temporaryPath = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                SafeTensorsFormat.Write(stream, tensors, allMetadata);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporaryPath, fullPath, overwrite: true);
        }
        finally
        {
            File.Delete(temporaryPath);
        }
    }

    /// <summary>
    /// Restores every parameter and state tensor of <paramref name="network"/> from <paramref name="path"/> and
    /// returns the file's metadata.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The file is corrupt or truncated, was written by a newer format version, or does not fit the network: a
    /// tensor is missing, unexpected, or shaped differently (the message names it and gives both shapes).
    /// Nothing in the network has changed when this is thrown.
    /// </exception>
    public static IReadOnlyDictionary<string, string> LoadInto(INetwork network, string path)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var stream = OpenRead(path);
        var header = ReadHeader(stream, path);
        var fileEntries = header.Entries.ToDictionary(entry => entry.Name, StringComparer.Ordinal);
        var expected = NetworkTensors.Collect(network);

        var problems = new List<string>();
        foreach (var tensor in expected)
        {
            if (!fileEntries.TryGetValue(tensor.Key, out var entry))
            {
                problems.Add($"tensor '{tensor.Key}' {tensor.Value.Shape} is missing from the file");
            }
            else if (!entry.Shape.AsSpan().SequenceEqual(tensor.Value.Shape.ToArray()))
            {
                problems.Add($"tensor '{tensor.Key}' is {entry.FormattedShape} in the file but {tensor.Value.Shape} in the network");
            }
        }

        var expectedNames = expected.Select(tensor => tensor.Key).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(header.Entries
            .Where(entry => !expectedNames.Contains(entry.Name))
            .Select(entry => $"the file holds tensor '{entry.Name}' {entry.FormattedShape} that the network does not have"));
        if (problems.Count > 0)
        {
            throw new InvalidDataException($"'{path}' does not fit this network: {string.Join("; ", problems)}.");
        }

        foreach (var tensor in expected)
        {
            SafeTensorsFormat.ReadData(stream, header, fileEntries[tensor.Key], tensor.Value.Span);
        }

        return header.Metadata;
    }

    /// <summary>The metadata of the checkpoint at <paramref name="path"/>, including <see cref="VersionKey"/>.</summary>
    /// <exception cref="InvalidDataException">The file is corrupt, truncated, or of a newer format version.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        using var stream = OpenRead(path);
        return ReadHeader(stream, path).Metadata;
    }

    /// <summary>Every tensor in the checkpoint at <paramref name="path"/>, by name, each a new tensor.</summary>
    /// <exception cref="InvalidDataException">
    /// The file is corrupt, truncated, of a newer format version, or holds a tensor this library cannot represent
    /// (rank 0 or above 4, or a zero dimension).
    /// </exception>
    public static IReadOnlyDictionary<string, FloatTensor> ReadTensors(string path)
    {
        using var stream = OpenRead(path);
        var header = ReadHeader(stream, path);
        var tensors = new Dictionary<string, FloatTensor>(StringComparer.Ordinal);
        foreach (var entry in header.Entries)
        {
            if (entry.Shape.Length is < 1 or > TensorShape.MaxRank || entry.Shape.Contains(0))
            {
                throw new InvalidDataException(
                    $"'{path}' holds tensor '{entry.Name}' {entry.FormattedShape}; tensors here have rank 1 to {TensorShape.MaxRank} and no zero dimension.");
            }

            var tensor = new FloatTensor(new TensorShape(entry.Shape));
            SafeTensorsFormat.ReadData(stream, header, entry, tensor.Span);
            tensors.Add(entry.Name, tensor);
        }

        return tensors;
    }

    private static FileStream OpenRead(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
    }

    private static SafeTensorsHeader ReadHeader(FileStream stream, string path)
    {
        var header = SafeTensorsFormat.ReadHeader(stream, path);
        if (header.Metadata.TryGetValue(VersionKey, out string? version)
            && (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number > FormatVersion))
        {
            throw new InvalidDataException(
                $"'{path}' has checkpoint format version '{version}'; this library reads versions up to {FormatVersion}.");
        }

        return header;
    }
}
