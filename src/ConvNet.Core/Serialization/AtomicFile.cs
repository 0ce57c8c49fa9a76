namespace ConvNet.Core.Serialization;

/// <summary>
/// Writes a file so that a reader, or the next run after a crash, sees either the old complete file or the new
/// complete file, never half of one. Every file this repository writes (checkpoints, downloaded datasets, the
/// sample's pictures) goes through here.
/// </summary>
/// <remarks>
/// The content goes to a temporary file beside the target, named <c>.NAME.RANDOM.convnet-tmp</c> (random, so
/// nobody can plant a file or symbolic link there in advance) and created exclusively (it fails rather than
/// opening anything that already exists). The file is flushed to the disk, renamed over the target (which
/// replaces a symbolic link at the target rather than writing through it), and the folder is flushed so that the
/// rename itself survives a power cut. If <c>write</c> throws, the temporary file is deleted and the target is
/// untouched. A process killed mid-write leaves its temporary file behind; the next write to the same target
/// deletes every such leftover that no live writer still holds open (writers hold theirs under an exclusive
/// lock, so a concurrent save of the same file is never disturbed).
/// </remarks>
public static class AtomicFile
{
    /// <summary>The suffix of temporary files, by which leftovers of a killed process are recognised.</summary>
    public const string TemporarySuffix = ".convnet-tmp";

    private const int BufferSize = 1 << 16;

    /// <summary>Lets <paramref name="write"/> fill a new file, then puts it in place of <paramref name="path"/>.</summary>
    /// <param name="path">The file to create or replace; its folder must exist.</param>
    /// <param name="write">Writes the whole content to the stream it is given (and must not close it); throws to abandon the write.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or names an existing folder.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IOException">The file cannot be written there (the message names <paramref name="path"/>).</exception>
    /// <exception cref="UnauthorizedAccessException">Writing there is not permitted (the message names <paramref name="path"/>).</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var target = Target.Of(path);
        target.DeleteLeftovers();
        using var stream = target.CreateTemporary();
        try
        {
            write(stream);
            stream.Flush(flushToDisk: true);
            target.Commit(stream);
        }
        catch
        {
            target.Abandon(stream);
            throw;
        }
    }

    /// <summary>Lets <paramref name="write"/> fill a new file asynchronously, then puts it in place of <paramref name="path"/>.</summary>
    /// <param name="path">The file to create or replace; its folder must exist.</param>
    /// <param name="write">Writes the whole content to the stream it is given (and must not close it); throws to abandon the write.</param>
    /// <param name="cancellationToken">Passed to <paramref name="write"/>; a cancelled write leaves the target untouched.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or names an existing folder.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IOException">The file cannot be written there (the message names <paramref name="path"/>).</exception>
    /// <exception cref="UnauthorizedAccessException">Writing there is not permitted (the message names <paramref name="path"/>).</exception>
    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var target = Target.Of(path);
        target.DeleteLeftovers();
        var stream = target.CreateTemporary();
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                await write(stream, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
                target.Commit(stream);
            }
            catch
            {
                target.Abandon(stream);
                throw;
            }
        }
    }

    /// <summary>The target file and the temporary file that will replace it.</summary>
    private sealed class Target
    {
        private readonly string _path;
        private readonly string _fullPath;
        private readonly string _folder;
        private readonly string _temporaryPrefix;
        private string _temporaryPath = string.Empty;

        private Target(string path, string fullPath, string folder)
        {
            _path = path;
            _fullPath = fullPath;
            _folder = folder;
            _temporaryPrefix = "." + Path.GetFileName(fullPath) + ".";
        }

        public static Target Of(string path)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(path);
            string fullPath = Path.GetFullPath(path);
            if (Path.EndsInDirectorySeparator(fullPath) || Directory.Exists(fullPath))
            {
                throw new ArgumentException($"Cannot write '{path}': it names a folder, not a file.", nameof(path));
            }

            string folder = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"Cannot write '{path}': it has no folder.", nameof(path));
            if (!Directory.Exists(folder))
            {
                throw new DirectoryNotFoundException($"Cannot write '{path}': the folder '{folder}' does not exist.");
            }

            return new Target(path, fullPath, folder);
        }

        /// <summary>Creates the temporary file: a fresh random name, exclusive create, locked against other writers and cleaners.</summary>
        public FileStream CreateTemporary()
        {
            _temporaryPath = Path.Combine(_folder, _temporaryPrefix + Path.GetRandomFileName() + TemporarySuffix);
            return Guard(() => new FileStream(_temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize));
        }

        /// <summary>Renames the finished temporary file over the target and makes the rename durable.</summary>
        public void Commit(FileStream stream)
        {
            // Unix renames an open file; Windows needs it closed first (the exclusive share mode forbids the rename).
            if (OperatingSystem.IsWindows())
            {
                stream.Dispose();
            }

            Guard(() => File.Move(_temporaryPath, _fullPath, overwrite: true));
            FolderSync.Flush(_folder);
        }

        /// <summary>Deletes the temporary file after a failed or abandoned write.</summary>
        public void Abandon(FileStream stream)
        {
            stream.Dispose();
            File.Delete(_temporaryPath);
        }

        /// <summary>Deletes temporary files of this target that killed writers left behind.</summary>
        public void DeleteLeftovers()
        {
            foreach (string leftover in Directory.EnumerateFiles(_folder, "*" + TemporarySuffix))
            {
                // Compared exactly: the target's own name may hold characters that a search pattern treats as wildcards.
                if (!Path.GetFileName(leftover).StartsWith(_temporaryPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                try
                {
                    // A live writer holds its file under an exclusive lock, so this open fails for it and succeeds
                    // only for files whose writer died; the file is deleted when this handle closes.
                    using var abandoned = new FileStream(leftover, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    // Held by a live writer, or already gone: not ours to delete.
                }
            }
        }

        private T Guard<T>(Func<T> action)
        {
            try
            {
                return action();
            }
            catch (UnauthorizedAccessException exception)
            {
                throw new UnauthorizedAccessException($"Cannot write '{_path}': {exception.Message}", exception);
            }
            catch (IOException exception)
            {
                throw new IOException($"Cannot write '{_path}': {exception.Message}", exception);
            }
        }

        private void Guard(Action action) => Guard(() =>
        {
            action();
            return true;
        });
    }
}
