using System.Diagnostics;
using ConvNet.Core.Data;
using ConvNet.Core.Serialization;
using ConvNet.Core.Tests.Data;

namespace ConvNet.Core.Tests.Serialization;

public sealed class InputFileTests : IDisposable
{
    // Only a guard against a hang taking the whole test run down; the refusal itself is immediate.
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(1);

    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A named pipe: opening it for reading blocks until a writer appears, which never happens here.</summary>
    private string Fifo(string name)
    {
        string path = Path.Combine(_folder.Path, name);
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        mkfifo.ExitCode.Should().Be(0);
        return path;
    }

    public static TheoryData<string, Action<string>> Readers => new()
    {
        { "checkpoint", path => Checkpoint.ReadMetadata(path) },
        { "IDX images", path => IdxReader.ReadImages(path) },
        { "IDX labels", path => IdxReader.ReadLabels(path) },
        { "any input", path => InputFile.OpenRead(path).Dispose() },
    };

    [Theory]
    [MemberData(nameof(Readers))]
    public async Task A_pipe_is_refused_at_once_instead_of_blocking_forever(string reader, Action<string> read)
    {
        string pipe = Fifo(reader.Replace(' ', '-'));

        var reading = Task.Run(() => read(pipe)).WaitAsync(HangGuard);

        (await reading.Invoking(task => task).Should().ThrowAsync<InvalidDataException>())
            .WithMessage($"*'{pipe}'*not a regular file*");
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void Devices_folders_and_empty_files_are_refused_naming_the_path(string reader, Action<string> read)
    {
        _ = reader;
        string empty = _folder.Write("empty", []);
        foreach (string path in new[] { "/dev/zero", "/proc/self/status", empty })
        {
            FluentActions.Invoking(() => read(path)).Should().Throw<InvalidDataException>().WithMessage($"*'{path}'*not a regular file*");
        }

        FluentActions.Invoking(() => read(_folder.Path)).Should().Throw<InvalidDataException>().WithMessage($"*'{_folder.Path}' is a folder*");
    }

    [Fact]
    public void Files_over_the_limit_are_refused_naming_the_file_and_the_limit()
    {
        string path = _folder.Write("big.png", new byte[2000]);

        FluentActions.Invoking(() => InputFile.OpenRead(path, maxLength: 1000)).Should().Throw<InvalidDataException>()
            .WithMessage($"*'{path}' is 2,000 bytes; files over 1,000 bytes are refused*");
        using var stream = InputFile.OpenRead(path, maxLength: 2000);
        stream.Length.Should().Be(2000);
    }
}
