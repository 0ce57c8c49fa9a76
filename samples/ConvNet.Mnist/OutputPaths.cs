namespace ConvNet.Mnist;

/// <summary>
/// Checks where a command will write before it starts its work, so that a bad <c>--output</c> fails in the first
/// second rather than after an hour of training, and so that no input the user named is ever overwritten.
/// </summary>
internal static class OutputPaths
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Creates the folder <paramref name="folder"/> if needed and checks that files can be written in it.</summary>
    /// <returns>The folder's full path.</returns>
    /// <exception cref="UsageException">The folder is empty, names a file, or cannot be created or written in.</exception>
    public static string PrepareFolder(string folder, string optionName)
    {
        string fullPath = FullPath(folder, optionName, "a folder");
        if (File.Exists(fullPath))
        {
            throw new UsageException($"Option {optionName} names '{folder}', which is a file; a folder is expected.");
        }

        try
        {
            Directory.CreateDirectory(fullPath);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Option {optionName}: cannot create the folder '{folder}' ({exception.Message}).");
        }

        RequireWritable(fullPath, folder, optionName);
        return fullPath;
    }

    /// <summary>
    /// Checks that the PNG <paramref name="path"/> can be written: its folder exists and is writable, it is none of
    /// <paramref name="inputs"/>, and if it exists it is a PNG (any other file is the user's and stays).
    /// </summary>
    /// <returns>The file's full path.</returns>
    /// <exception cref="UsageException">The path cannot or must not be written.</exception>
    public static string CheckPngFile(string path, string optionName, params (string Path, string OptionName)[] inputs)
    {
        string fullPath = FullPath(path, optionName, "a file");
        if (Directory.Exists(fullPath))
        {
            throw new UsageException($"Option {optionName} names '{path}', which is a folder; a file is expected.");
        }

        foreach (var input in inputs)
        {
            if (SameFile(fullPath, input.Path))
            {
                throw new UsageException($"Option {optionName} names '{path}', the file given to {input.OptionName}; it would be overwritten.");
            }
        }

        string folder = Path.GetDirectoryName(fullPath)!;
        if (!Directory.Exists(folder))
        {
            throw new UsageException($"Option {optionName}: the folder of '{path}' ('{folder}') does not exist.");
        }

        if (File.Exists(fullPath) && !IsPng(fullPath))
        {
            throw new UsageException($"Option {optionName} names '{path}', which exists and is not a PNG; it is left as it is: choose another name.");
        }

        RequireWritable(folder, path, optionName);
        return fullPath;
    }

    private static string FullPath(string path, string optionName, string expected)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new UsageException($"Option {optionName} needs {expected}; got '{path}'.");
        }

        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException($"Option {optionName}: '{path}' is not a usable path ({exception.Message}).");
        }
    }

    /// <summary>Creates and deletes a probe file: permissions alone do not tell (read-only mounts, /proc).</summary>
    private static void RequireWritable(string folder, string given, string optionName)
    {
        try
        {
            using var probe = new FileStream(
                Path.Combine(folder, $".convnet-write-check-{Path.GetRandomFileName()}"),
                FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Option {optionName}: cannot write in the folder of '{given}' ({exception.Message}).");
        }
    }

    /// <summary>Whether the two paths name one file, through symbolic links too.</summary>
    private static bool SameFile(string fullPath, string other) =>
        string.Equals(Resolve(fullPath), Resolve(Path.GetFullPath(other)), OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);

    private static string Resolve(string fullPath) =>
        File.Exists(fullPath) ? new FileInfo(fullPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? fullPath : fullPath;

    private static bool IsPng(string path)
    {
        Span<byte> start = stackalloc byte[PngSignature.Length];
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false) == start.Length && start.SequenceEqual(PngSignature);
    }
}
