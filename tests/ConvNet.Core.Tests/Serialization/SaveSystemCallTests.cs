using System.Diagnostics;
using System.Text.RegularExpressions;
using ConvNet.Core.Serialization;
using ConvNet.Core.Tests.Data;

namespace ConvNet.Core.Tests.Serialization;

/// <summary>
/// Watches a checkpoint save at the system-call level, where the parts of a safe write that no test inside the
/// process can see show up: the temporary file is created exclusively (O_EXCL: a file or symbolic link planted at
/// its name is never opened), flushed to the disk before it is renamed over the target, and the folder is flushed
/// after the rename. The saving process is <see cref="CrashChild"/> run under strace.
/// </summary>
public sealed partial class SaveSystemCallTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [StraceFact]
    public void A_save_creates_its_temporary_file_exclusively_flushes_it_renames_it_then_flushes_the_folder()
    {
        string models = Directory.CreateDirectory(Path.Combine(_folder.Path, "models")).FullName;
        string target = Path.Combine(models, "model.safetensors");
        string log = Path.Combine(_folder.Path, "strace.log");

        using (Process child = CrashChild.Start(target, StraceFactAttribute.StracePath, ["-f", "-qq", "-s", "4096", "-e", "trace=openat,fsync,rename,renameat,renameat2", "-o", log]))
        {
            child.StandardOutput.ReadLine().Should().Be("saved", "the child saves once before it is stopped");
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }

        string[] calls = File.ReadAllLines(log);
        int create = Array.FindIndex(calls, call => TemporaryCreate().IsMatch(call));
        create.Should().BeGreaterThanOrEqualTo(0, "the save creates a temporary file beside the target");
        Match created = TemporaryCreate().Match(calls[create]);
        created.Groups["path"].Value.Should().StartWith(Path.Combine(models, ".model.safetensors.")).And.EndWith(AtomicFile.TemporarySuffix);
        created.Groups["flags"].Value.Split('|').Should().Contain(["O_CREAT", "O_EXCL"], "the temporary file is created exclusively");

        int fileFlush = FlushAfter(calls, create, created.Groups["fd"].Value);
        int rename = IndexAfter(calls, create, $"\"{created.Groups["path"].Value}\", \"{target}\"");
        int folderOpen = IndexAfter(calls, rename, $"openat(AT_FDCWD, \"{models}\", O_RDONLY) = ");
        fileFlush.Should().BeInRange(create + 1, rename - 1, "the file is flushed to the disk before it is renamed over the target");
        rename.Should().BePositive("the temporary file is renamed over the target");
        folderOpen.Should().BePositive("the folder is opened after the rename to be flushed");
        string folderDescriptor = Regex.Match(calls[folderOpen], @"= (\d+)$").Groups[1].Value;
        FlushAfter(calls, folderOpen, folderDescriptor).Should().BePositive("the folder is flushed so the rename survives a power cut");
    }

    /// <summary>The first call after <paramref name="start"/> that holds <paramref name="text"/>; -1 if none does.</summary>
    private static int IndexAfter(string[] calls, int start, string text) =>
        Array.FindIndex(calls, start + 1, call => call.Contains(text, StringComparison.Ordinal));

    /// <summary>The first fsync of <paramref name="descriptor"/> after <paramref name="start"/> (strace may split a call that blocks); -1 if none.</summary>
    private static int FlushAfter(string[] calls, int start, string descriptor) =>
        Array.FindIndex(calls, start + 1, call => call.Contains($"fsync({descriptor})", StringComparison.Ordinal)
            || call.Contains($"fsync({descriptor} <unfinished", StringComparison.Ordinal));

    [GeneratedRegex("""openat\(AT_FDCWD, "(?<path>[^"]*\.convnet-tmp)", (?<flags>[A-Z_|]+), 0\d+\) = (?<fd>\d+)$""")]
    private static partial Regex TemporaryCreate();
}
