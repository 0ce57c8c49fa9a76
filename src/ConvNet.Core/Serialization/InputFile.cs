namespace ConvNet.Core.Serialization;

/// <summary>
/// Opens a file that may come from a stranger (a model, a dataset, a picture) for reading, refusing what would hang
/// or exhaust the reader before a byte is read: a pipe (FIFO), a device or a pseudo-file (a read could block
/// forever or never end), a folder, or a file larger than the caller's limit.
/// </summary>
/// <remarks>
/// Pipes, devices and pseudo-files report a length of 0, as does an empty file, which no format read here accepts
/// either; they are told apart from regular files without opening them, because opening a pipe blocks until a
/// writer appears.
/// </remarks>
public static class InputFile
{
    /// <summary>Opens <paramref name="path"/> for reading, shared with other readers.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxLength">The largest file accepted, in bytes.</param>
    /// <returns>A seekable stream at the start of the file.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is below 1.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The path names a folder, an empty file, a pipe, a device or a pseudo-file, or a file longer than
    /// <paramref name="maxLength"/> (the message names the file and the limit).
    /// </exception>
    public static FileStream OpenRead(string path, long maxLength = long.MaxValue)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        if (Directory.Exists(path))
        {
            throw new InvalidDataException($"'{path}' is a folder; a file was expected.");
        }

        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"The file '{path}' does not exist.", path);
        }

        if (info.Length == 0)
        {
            throw new InvalidDataException($"'{path}' is empty or not a regular file (a pipe, a device or a pseudo-file cannot be read).");
        }

        if (info.Length > maxLength)
        {
            throw new InvalidDataException($"'{path}' is {info.Length:N0} bytes; files over {maxLength:N0} bytes are refused here.");
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        if (!stream.CanSeek)
        {
            stream.Dispose();
            throw new InvalidDataException($"'{path}' is not a regular file (it cannot be read from the start again).");
        }

        return stream;
    }
}
