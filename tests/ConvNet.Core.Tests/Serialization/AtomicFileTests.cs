using ConvNet.Core.Serialization;
using ConvNet.Core.Tests.Data;

namespace ConvNet.Core.Tests.Serialization;

public sealed class AtomicFileTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string PathOf(string name) => Path.Combine(_folder.Path, name);

    [Fact]
    public void Write_replaces_the_file_and_leaves_no_temporary_file()
    {
        string path = _folder.Write("result.bin", [1, 2, 3]);

        AtomicFile.Write(path, stream => stream.Write([4, 5]));

        File.ReadAllBytes(path).Should().Equal(4, 5);
        _folder.FileNames().Should().Equal("result.bin");
    }

    [Fact]
    public void A_write_that_throws_keeps_the_old_file_and_leaves_no_temporary_file()
    {
        string path = _folder.Write("result.bin", [1, 2, 3]);

        var write = () => AtomicFile.Write(path, stream =>
        {
            stream.Write([9, 9, 9, 9]);
            throw new InvalidOperationException("half-way");
        });

        write.Should().Throw<InvalidOperationException>().WithMessage("half-way");
        File.ReadAllBytes(path).Should().Equal(1, 2, 3);
        _folder.FileNames().Should().Equal("result.bin");
    }

    [Fact]
    public async Task A_cancelled_asynchronous_write_keeps_the_old_file_and_leaves_no_temporary_file()
    {
        string path = _folder.Write("result.bin", [1, 2, 3]);
        using var cancellation = new CancellationTokenSource();

        var write = () => AtomicFile.WriteAsync(
            path,
            async (stream, token) =>
            {
                await stream.WriteAsync(new byte[] { 7, 7 }, token);
                await cancellation.CancelAsync();
                token.ThrowIfCancellationRequested();
            },
            cancellation.Token);

        await write.Should().ThrowAsync<OperationCanceledException>();
        File.ReadAllBytes(path).Should().Equal(1, 2, 3);
        _folder.FileNames().Should().Equal("result.bin");
    }

    [Fact]
    public void Leftovers_of_a_killed_writer_are_deleted_by_the_next_write_of_the_same_file_only()
    {
        string path = PathOf("model.safetensors");
        _folder.Write(".model.safetensors.a1b2c3d4.xyz" + AtomicFile.TemporarySuffix, [1]);
        _folder.Write(".other.safetensors.a1b2c3d4.xyz" + AtomicFile.TemporarySuffix, [2]);

        AtomicFile.Write(path, stream => stream.Write([3]));

        _folder.FileNames().Should().Equal(".other.safetensors.a1b2c3d4.xyz" + AtomicFile.TemporarySuffix, "model.safetensors");
    }

    [Fact]
    public void A_temporary_file_that_a_live_writer_holds_is_not_deleted()
    {
        string path = PathOf("model.safetensors");
        string held = PathOf(".model.safetensors.live.tmp" + AtomicFile.TemporarySuffix);
        using (var live = new FileStream(held, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            AtomicFile.Write(path, stream => stream.Write([3]));

            File.Exists(held).Should().BeTrue("its writer is still running");
        }

        AtomicFile.Write(path, stream => stream.Write([4]));
        File.Exists(held).Should().BeFalse("its writer has gone");
    }

    [Fact]
    public void A_symbolic_link_at_the_target_is_replaced_and_the_file_it_points_to_is_untouched()
    {
        string victim = _folder.Write("victim.txt", [1, 2, 3]);
        string path = PathOf("misclassified.png");
        File.CreateSymbolicLink(path, victim);

        AtomicFile.Write(path, stream => stream.Write([4]));

        File.ReadAllBytes(victim).Should().Equal(1, 2, 3);
        new FileInfo(path).LinkTarget.Should().BeNull();
        File.ReadAllBytes(path).Should().Equal(4);
    }

    [Fact]
    public void Temporary_files_get_fresh_random_names()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        string path = PathOf("result.bin");
        for (int i = 0; i < 5; i++)
        {
            AtomicFile.Write(path, stream => names.Add(((FileStream)stream).Name));
        }

        names.Should().HaveCount(5).And.OnlyContain(name =>
            Path.GetFileName(name).StartsWith(".result.bin.", StringComparison.Ordinal) && name.EndsWith(AtomicFile.TemporarySuffix, StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_targets_are_refused_with_the_path_in_the_message()
    {
        FluentActions.Invoking(() => AtomicFile.Write(_folder.Path, _ => { }))
            .Should().Throw<ArgumentException>().WithMessage($"*'{_folder.Path}'*folder*");
        string missing = PathOf("missing");
        FluentActions.Invoking(() => AtomicFile.Write(Path.Combine(missing, "x.png"), _ => { }))
            .Should().Throw<DirectoryNotFoundException>().WithMessage($"*'{missing}' does not exist*");
        FluentActions.Invoking(() => AtomicFile.Write("", _ => { })).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => AtomicFile.Write("/proc/convnet-test.png", _ => { }))
            .Should().Throw<Exception>().Where(exception => exception is IOException || exception is UnauthorizedAccessException)
            .WithMessage("*'/proc/convnet-test.png'*");
    }
}
