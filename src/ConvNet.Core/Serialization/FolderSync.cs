using System.ComponentModel;
using System.Runtime.InteropServices;

namespace ConvNet.Core.Serialization;

/// <summary>
/// Flushes a folder's entries (a rename into it) to the disk. .NET has no call for this: it refuses to open a folder
/// as a file, so on Unix the folder is opened and fsynced through the C library. Windows journals renames itself.
/// </summary>
internal static partial class FolderSync
{
    private const int ReadOnly = 0;

    /// <summary>Makes the latest changes to <paramref name="folder"/>'s entries durable.</summary>
    /// <exception cref="IOException">The folder cannot be opened or flushed.</exception>
    public static void Flush(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int descriptor = Open(folder, ReadOnly);
        if (descriptor < 0)
        {
            throw new IOException($"Cannot open the folder '{folder}' to flush it: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}.");
        }

        try
        {
            // Some file systems cannot fsync a folder (EINVAL) and keep their entries durable by other means.
            const int NotSupported = 22;
            if (Fsync(descriptor) != 0 && Marshal.GetLastPInvokeError() is int error && error != NotSupported)
            {
                throw new IOException($"Cannot flush the folder '{folder}' to the disk: {new Win32Exception(error).Message}.");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
