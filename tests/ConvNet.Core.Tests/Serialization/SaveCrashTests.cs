using System.Diagnostics;
using ConvNet.Core.Serialization;
using ConvNet.Core.Tests.Data;
using ConvNet.Core.Tests.TestNetworks;

namespace ConvNet.Core.Tests.Serialization;

/// <summary>
/// Kills a process that saves a checkpoint over and over (kill -9, no chance to clean up) and checks what it leaves:
/// the target is always one of the two complete versions it alternates between, and the next save leaves no
/// temporary file. The child is this test assembly run again (<see cref="CrashChild"/>).
/// </summary>
public sealed class SaveCrashTests : IDisposable
{
    private const int Kills = 12;

    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Killing_a_saving_process_leaves_the_old_or_the_new_complete_file()
    {
        string target = Path.Combine(_folder.Path, "model.safetensors");
        byte[][] versions = [SavedBytes(CrashChild.Version(0)), SavedBytes(CrashChild.Version(1))];
        Checkpoint.Save(CrashChild.Version(0), target);
        var random = new Random(11);
        int killsWithLeftovers = 0;

        for (int kill = 0; kill < Kills; kill++)
        {
            using var child = CrashChild.Start(target);
            // Let it finish a few saves, then kill it somewhere inside the next ones.
            int savesBeforeKill = 1 + random.Next(3);
            for (int i = 0; i < savesBeforeKill; i++)
            {
                child.StandardOutput.ReadLine().Should().Be("saved", "the child saves until it is killed");
            }

            child.Kill();
            child.WaitForExit();

            byte[] left = File.ReadAllBytes(target);
            bool complete = left.AsSpan().SequenceEqual(versions[0]) || left.AsSpan().SequenceEqual(versions[1]);
            complete.Should().BeTrue("after kill {0} the target must be one complete version ({1} bytes left)", kill, left.Length);
            if (_folder.FileNames().Any(name => name.EndsWith(AtomicFile.TemporarySuffix, StringComparison.Ordinal)))
            {
                killsWithLeftovers++;
            }
        }

        // The child spends nearly all its time inside a save, so most kills interrupt one and leave its temporary file.
        killsWithLeftovers.Should().BeGreaterThan(0, "the kills should interrupt saves, or this test checks nothing");
        Checkpoint.Save(CrashChild.Version(0), target);
        _folder.FileNames().Should().Equal("model.safetensors");
        File.ReadAllBytes(target).Should().Equal(versions[0]);
    }

    private byte[] SavedBytes(LinearSoftmaxNetwork network)
    {
        string path = Path.Combine(_folder.Path, "reference.safetensors");
        Checkpoint.Save(network, path);
        byte[] bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return bytes;
    }
}

/// <summary>The child process of <see cref="SaveCrashTests"/>: saves two versions of a network in turn, forever.</summary>
internal static class CrashChild
{
    public const string Command = "save-until-killed";

    /// <summary>A 2 MB network whose weights depend on <paramref name="version"/>.</summary>
    public static LinearSoftmaxNetwork Version(int version) => new(inputSize: 1000, classCount: 500, seed: 100 + version);

    public static Process Start(string target) => Start(target, launcher: null, []);

    /// <summary>Starts the child through <paramref name="launcher"/> (such as strace) with its arguments first, if given.</summary>
    public static Process Start(string target, string? launcher, string[] launcherArguments)
    {
        string testAssembly = typeof(CrashChild).Assembly.Location;
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var startInfo = new ProcessStartInfo(launcher ?? dotnet)
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        string[] launched = ["exec", testAssembly, Command, target];
        foreach (string argument in launcher is null ? launched : [.. launcherArguments, dotnet, .. launched])
        {
            startInfo.ArgumentList.Add(argument);
        }

        return Process.Start(startInfo) ?? throw new InvalidOperationException("Cannot start the child process.");
    }

    /// <summary>The child's loop; it prints <c>saved</c> after each save.</summary>
    public static int Run(string target)
    {
        LinearSoftmaxNetwork[] versions = [Version(0), Version(1)];
        for (int save = 0; ; save++)
        {
            Checkpoint.Save(versions[save % 2], target);
            Console.Out.WriteLine("saved");
            Console.Out.Flush();
        }
    }
}
