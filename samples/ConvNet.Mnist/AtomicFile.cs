namespace ConvNet.Mnist;

/// <summary>Writes files through a temporary file and a rename, so a reader never sees half a file.</summary>
internal static class AtomicFile
{
    /// <summary>Lets <paramref name="write"/> fill a temporary file beside <paramref name="path"/>, then moves it into place.</summary>
    public static void Write(string path, Action<string> write)
    {
        string fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        string temporary = fullPath + ".tmp" + Environment.ProcessId;
        try
        {
            write(temporary);
            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
