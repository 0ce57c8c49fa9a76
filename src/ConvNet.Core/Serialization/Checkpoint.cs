using System.Globalization;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Serialization;

/// <summary>
/// Saves and restores a network's parameters (by their <see cref="NamedParameter"/> names, such as
/// <c>conv1.weight</c>) and the state of its <see cref="IStatefulLayer"/> layers, together with string metadata, in
/// one safetensors file that numpy and PyTorch users can read: the weights of a network you build in code.
/// <see cref="Models.Model"/> saves the same layout plus the architecture, so its files load without code.
/// </summary>
/// <remarks>
/// Saving goes through <see cref="AtomicFile"/>, so a crash never leaves a half-written checkpoint. Loading is strict: it checks the whole file against the network, reads it into scratch
/// memory and rejects NaN and infinite values before it changes any tensor. A file without <see cref="VersionKey"/>
/// (written by another safetensors tool with the same tensor names) is accepted; one with a newer version is refused.
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
        AtomicFile.Write(path, stream => Write(network, stream, WithVersion(metadata)));
    }

    /// <summary>
    /// Restores every parameter and state tensor of <paramref name="network"/> from <paramref name="path"/> and
    /// returns the file's metadata. The file may come from any safetensors writer that uses the same tensor names.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The file is corrupt or truncated, was written by a newer format version, holds a NaN or infinite value, or
    /// does not fit the network: a tensor is missing, unexpected, or shaped differently (the message names it and
    /// gives both shapes). Nothing in the network has changed when this is thrown.
    /// </exception>
    public static IReadOnlyDictionary<string, string> LoadInto(INetwork network, string path)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var reader = CheckpointReader.Open(path);
        reader.LoadInto(network);
        return reader.Metadata;
    }

    /// <summary>
    /// Restores every parameter and state tensor of <paramref name="network"/> from a checkpoint that starts at the
    /// current position of <paramref name="stream"/> (left open), and returns its metadata.
    /// </summary>
    /// <exception cref="InvalidDataException">As for <see cref="LoadInto(INetwork, string)"/>, including a stream that ends early.
    /// Nothing in the network has changed when this is thrown.</exception>
    public static IReadOnlyDictionary<string, string> LoadInto(INetwork network, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var reader = CheckpointReader.Open(stream);
        reader.LoadInto(network);
        return reader.Metadata;
    }

    /// <summary>The metadata of the checkpoint at <paramref name="path"/>, including <see cref="VersionKey"/>.</summary>
    /// <exception cref="InvalidDataException">The file is corrupt, truncated, or of a newer format version.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        using var reader = CheckpointReader.Open(path);
        return reader.Metadata;
    }

    /// <summary>Every tensor in the checkpoint at <paramref name="path"/>, by name, each a new tensor, values as stored.</summary>
    /// <exception cref="InvalidDataException">
    /// The file is corrupt, truncated, of a newer format version, or holds a tensor this library cannot represent
    /// (rank 0 or above 4, or a zero dimension).
    /// </exception>
    public static IReadOnlyDictionary<string, FloatTensor> ReadTensors(string path)
    {
        using var reader = CheckpointReader.Open(path);
        return reader.ReadAll();
    }

    /// <summary>Writes the network's tensors and <paramref name="metadata"/> (which must already hold <see cref="VersionKey"/>).</summary>
    internal static void Write(INetwork network, Stream stream, IReadOnlyDictionary<string, string> metadata) =>
        SafeTensorsFormat.Write(stream, NetworkTensors.Collect(network), metadata);

    /// <summary>The caller's metadata plus <see cref="VersionKey"/>.</summary>
    internal static Dictionary<string, string> WithVersion(IReadOnlyDictionary<string, string>? metadata)
    {
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
        return allMetadata;
    }
}
