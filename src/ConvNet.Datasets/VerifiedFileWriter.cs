using System.Security.Cryptography;

namespace ConvNet.Datasets;

/// <summary>
/// Writes downloaded content into the cache folder atomically: into a temporary file in the same folder, hashed
/// while it is written, renamed to its final name only when its SHA-256 is the expected one. A failed or rejected
/// write leaves no file behind.
/// </summary>
internal static class VerifiedFileWriter
{
    /// <summary>The suffix of temporary files, so that leftovers of a killed process can be recognised.</summary>
    internal const string TemporarySuffix = ".convnet-partial";

    /// <summary>Copies <paramref name="content"/> to <paramref name="file"/>'s name in <paramref name="folder"/> if its hash matches.</summary>
    /// <exception cref="InvalidDataException">The content's SHA-256 is not the expected one; nothing is written.</exception>
    internal static async Task WriteAsync(Stream content, string folder, ExpectedFile file, CancellationToken cancellationToken)
    {
        string finalPath = Path.Combine(folder, file.Name);
        string temporaryPath = TemporaryPath(folder, file.Name);
        try
        {
            string actualHash;
            var output = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
            await using (output.ConfigureAwait(false))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }

                actualHash = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            if (actualHash != file.Sha256)
            {
                throw new InvalidDataException($"{file.Name}: SHA-256 is {actualHash}, expected {file.Sha256}; the file was not kept.");
            }

            File.Move(temporaryPath, finalPath, overwrite: true);
        }
        finally
        {
            File.Delete(temporaryPath);
        }
    }

    /// <summary>Whether <paramref name="file"/> is present in <paramref name="folder"/> with the expected hash.</summary>
    internal static async Task<bool> IsPresentAsync(string folder, ExpectedFile file, CancellationToken cancellationToken)
    {
        string path = Path.Combine(folder, file.Name);
        if (!File.Exists(path))
        {
            return false;
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            byte[] hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
            return Convert.ToHexStringLower(hash) == file.Sha256;
        }
    }

    /// <summary>A new temporary path next to <paramref name="name"/>, unique so that concurrent fetchers do not collide.</summary>
    internal static string TemporaryPath(string folder, string name) =>
        Path.Combine(folder, $"{name}.{Path.GetRandomFileName()}{TemporarySuffix}");

    /// <summary>Deletes temporary files that a killed process left behind (older than an hour, so that a concurrent fetch is not disturbed).</summary>
    internal static void DeleteStaleTemporaryFiles(string folder)
    {
        var cutoff = DateTime.UtcNow.AddHours(-1);
        foreach (string path in Directory.EnumerateFiles(folder, "*" + TemporarySuffix))
        {
            if (File.GetLastWriteTimeUtc(path) < cutoff)
            {
                File.Delete(path);
            }
        }
    }
}
