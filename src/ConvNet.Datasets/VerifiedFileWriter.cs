using System.Security.Cryptography;
using ConvNet.Core.Data;
using ConvNet.Core.Serialization;

namespace ConvNet.Datasets;

/// <summary>
/// Writes downloaded content into the cache folder through <see cref="AtomicFile"/>, hashed while it is written:
/// the file takes its final name only when its SHA-256 is the expected one. A failed or rejected write leaves no
/// file behind.
/// </summary>
internal static class VerifiedFileWriter
{
    /// <summary>Copies <paramref name="content"/> to <paramref name="file"/>'s name in <paramref name="folder"/> if its hash matches.</summary>
    /// <exception cref="InvalidDataException">The content's SHA-256 is not the expected one; nothing is written.</exception>
    internal static Task WriteAsync(Stream content, string folder, ExpectedFile file, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(
            Path.Combine(folder, file.Name),
            async (output, cancellation) =>
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[1 << 16];
                long written = 0;
                int read;
                while ((read = await content.ReadAsync(buffer, cancellation).ConfigureAwait(false)) > 0)
                {
                    written += read;
                    if (written > file.Length)
                    {
                        // A hostile source could send an endless stream (or a gzip bomb): stop at the known size.
                        throw new InvalidDataException($"{file.Name}: more than the expected {file.Length:N0} bytes arrived; the file was not kept.");
                    }

                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellation).ConfigureAwait(false);
                }

                string actualHash = Convert.ToHexStringLower(hash.GetHashAndReset());
                if (actualHash != file.Sha256)
                {
                    throw new InvalidDataException($"{file.Name}: SHA-256 is {actualHash}, expected {file.Sha256}; the file was not kept.");
                }
            },
            cancellationToken);

    /// <summary>
    /// Whether <paramref name="file"/> is in <paramref name="folder"/>, raw or gzip-compressed as <c>NAME.gz</c>
    /// (what <see cref="MnistDataset.Load"/> reads), and whether its content is the expected one.
    /// </summary>
    /// <returns>The file found (<c>null</c> if neither name exists) and whether its content's SHA-256 matches.</returns>
    internal static async Task<(string? Path, bool Verified)> FindAsync(string folder, ExpectedFile file, CancellationToken cancellationToken)
    {
        string rawPath = Path.Combine(folder, file.Name);
        string? path = File.Exists(rawPath) ? rawPath : File.Exists(rawPath + ".gz") ? rawPath + ".gz" : null;
        if (path is null)
        {
            return (null, false);
        }

        try
        {
            var stream = GzipAwareFile.OpenRead(path, out _);
            await using (stream.ConfigureAwait(false))
            {
                // At most one byte more than expected is read, so a huge or endless file costs no more than the real one.
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[1 << 16];
                long remaining = file.Length + 1;
                int read;
                while (remaining > 0 && (read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    remaining -= read;
                }

                return (path, remaining == 1 && Convert.ToHexStringLower(hash.GetHashAndReset()) == file.Sha256);
            }
        }
        catch (InvalidDataException)
        {
            // Corrupt gzip data, an empty file, a pipe or a device: present, but not the expected content.
            return (path, false);
        }
    }
}
