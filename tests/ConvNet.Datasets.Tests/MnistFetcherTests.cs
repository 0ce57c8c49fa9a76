using System.Security.Cryptography;
using ConvNet.Core.Data;
using ConvNet.Core.Tests.Data;
using ConvNet.Datasets;
using Microsoft.Extensions.Time.Testing;

namespace ConvNet.Datasets.Tests;

public sealed class MnistFetcherTests : IDisposable
{
    private readonly TemporaryFolder _cache = new();
    private readonly byte[] _alpha = RandomBytes(3000, seed: 1);
    private readonly byte[] _beta = RandomBytes(5000, seed: 2);
    private readonly ProgressLog _progress = new();

    // The download deadlines run on this clock, which moves only when a test advances it: a busy machine can neither
    // expire a working download nor make a test wait for a real timeout.
    private readonly FakeTimeProvider _clock = new();

    public void Dispose() => _cache.Dispose();

    [Fact]
    public async Task Downloads_decompresses_verifies_and_renames_each_file()
    {
        using var mirror = new FakeMirror(Served(_alpha, _beta));

        string folder = await Fetcher(mirror.BaseAddress).EnsureAsync(_progress);

        folder.Should().Be(_cache.Path);
        _cache.FileNames().Should().Equal("alpha", "beta");
        File.ReadAllBytes(Path.Combine(folder, "alpha")).Should().Equal(_alpha);
        File.ReadAllBytes(Path.Combine(folder, "beta")).Should().Equal(_beta);
    }

    [Fact]
    public async Task Content_with_a_wrong_hash_is_rejected_and_leaves_no_file()
    {
        byte[] tampered = (byte[])_beta.Clone();
        tampered[100] ^= 1;
        using var mirror = new FakeMirror(Served(_alpha, tampered));

        var fetch = () => Fetcher(mirror.BaseAddress).EnsureAsync(_progress);

        (await fetch.Should().ThrowAsync<IOException>()).WithMessage("*beta*SHA-256*");
        _cache.FileNames().Should().Equal("alpha");
        _progress.Lines.Should().Contain(line => line.Contains("beta: SHA-256 is", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_transfer_that_breaks_off_leaves_no_partial_file()
    {
        using var mirror = new FakeMirror(Served(_alpha, _beta), breakOffTransfers: true);

        var fetch = () => Fetcher(mirror.BaseAddress).EnsureAsync(_progress);

        await fetch.Should().ThrowAsync<IOException>();
        _cache.FileNames().Should().BeEmpty();
    }

    [Fact]
    public async Task An_unreachable_mirror_is_skipped_for_the_next_one()
    {
        using var mirror = new FakeMirror(Served(_alpha, _beta));
        using var unreachable = new RefusingPort();

        await Fetcher(unreachable.BaseAddress, mirror.BaseAddress).EnsureAsync(_progress);

        _cache.FileNames().Should().Equal("alpha", "beta");
        // One failed connection is enough to give up on a mirror; it is reported once, not once per file.
        _progress.Lines.Count(line => line.Contains("unreachable", StringComparison.Ordinal)).Should().Be(1);
    }

    [Fact]
    public async Task A_mirror_that_never_answers_is_given_up_after_the_download_timeout()
    {
        using var silent = new SilentServer();
        using var mirror = new FakeMirror(Served(_alpha, _beta));
        var options = Options(silent.BaseAddress, mirror.BaseAddress) with { DownloadTimeout = TimeSpan.FromSeconds(1) };

        Task<string> fetch = Fetcher(options).EnsureAsync(_progress);
        // Once the silent mirror has the connection, the request waits for an answer with its deadline set.
        await Task.WhenAny(silent.FirstConnection, fetch).WaitAsync(TimeSpan.FromMinutes(1));
        fetch.IsCompleted.Should().BeFalse("the silent mirror is not given up before its download timeout has passed");
        _clock.Advance(options.DownloadTimeout);
        // The wall-clock bounds only keep a broken fetcher (one that never gives up) from hanging the suite.
        await fetch.WaitAsync(TimeSpan.FromMinutes(1));

        _cache.FileNames().Should().Equal("alpha", "beta");
        _progress.Lines.Where(line => line.Contains("unreachable", StringComparison.Ordinal)).Should()
            .ContainSingle().Which.Should().Contain("no complete answer within 1 s");
    }

    [Fact]
    public async Task A_mirror_with_a_bad_copy_is_followed_by_the_next_mirror()
    {
        byte[] tampered = (byte[])_alpha.Clone();
        tampered[0] ^= 1;
        using var badMirror = new FakeMirror(Served(tampered, _beta));
        using var goodMirror = new FakeMirror(Served(_alpha, _beta));

        await Fetcher(badMirror.BaseAddress, goodMirror.BaseAddress).EnsureAsync(_progress);

        File.ReadAllBytes(Path.Combine(_cache.Path, "alpha")).Should().Equal(_alpha);
        goodMirror.RequestedNames.Should().Equal("alpha.gz");
    }

    [Fact]
    public async Task Files_present_with_the_right_hash_raw_or_gzip_are_kept()
    {
        _cache.Write("alpha", _alpha);
        _cache.Write("beta.gz", IdxTestFiles.Gzip(_beta));
        using var mirror = new FakeMirror(Served(_alpha, _beta));

        await Fetcher(mirror.BaseAddress).EnsureAsync(_progress);

        mirror.RequestedNames.Should().BeEmpty();
        _cache.FileNames().Should().Equal("alpha", "beta.gz");
        _progress.Lines.Should().Contain("beta.gz: present, SHA-256 verified.");
    }

    [Theory]
    [InlineData("beta")]
    [InlineData("beta.gz")]
    public async Task A_file_present_with_other_content_stops_the_fetch_and_nothing_is_changed(string name)
    {
        // Another dataset with the same file names (Fashion-MNIST in an MNIST folder): the user's files stay as they are.
        byte[] other = name.EndsWith(".gz", StringComparison.Ordinal) ? IdxTestFiles.Gzip([1, 2, 3]) : [1, 2, 3];
        _cache.Write(name, other);
        using var mirror = new FakeMirror(Served(_alpha, _beta));

        var fetch = () => Fetcher(mirror.BaseAddress).EnsureAsync(_progress);

        (await fetch.Should().ThrowAsync<InvalidDataException>())
            .WithMessage($"*'{Path.Combine(_cache.Path, name)}' is present but its checksum differs*nothing was downloaded or changed*");
        mirror.RequestedNames.Should().BeEmpty();
        _cache.FileNames().Should().Equal(name);
        File.ReadAllBytes(Path.Combine(_cache.Path, name)).Should().Equal(other);
    }

    [Fact]
    public async Task A_mirror_sending_more_than_the_expected_length_is_cut_off()
    {
        byte[] longer = [.. _alpha, .. new byte[100_000]];
        using var mirror = new FakeMirror(Served(longer, _beta));

        var fetch = () => Fetcher(mirror.BaseAddress).EnsureAsync(_progress);

        (await fetch.Should().ThrowAsync<IOException>()).WithMessage("*alpha: more than the expected 3,000 bytes*");
        _cache.FileNames().Should().Equal("beta");
    }

    [Fact]
    public async Task Without_any_source_the_error_lists_each_attempt()
    {
        using var unreachable = new RefusingPort();

        var fetch = () => Fetcher(unreachable.BaseAddress).EnsureAsync(_progress);

        (await fetch.Should().ThrowAsync<IOException>())
            .WithMessage($"*alpha, beta*{_cache.Path}*{unreachable.BaseAddress}*unreachable*DEVELOPERS.md*");
        _cache.FileNames().Should().BeEmpty();
    }

    [Fact]
    public void Cache_folder_comes_from_the_option_then_the_environment_then_the_default()
    {
        string? WithVariable(string name) => name == "CONVNET_MNIST_DIR" ? "/from/environment" : null;
        static string? Empty(string name) => null;

        MnistFetcher.ResolveCacheFolder(new MnistFetcherOptions { CacheFolder = "/from/option" }, WithVariable).Should().Be("/from/option");
        MnistFetcher.ResolveCacheFolder(new MnistFetcherOptions(), WithVariable).Should().Be("/from/environment");
        MnistFetcher.ResolveCacheFolder(new MnistFetcherOptions(), Empty).Should().Be(MnistFetcher.DefaultCacheFolder);
        MnistFetcher.DefaultCacheFolder.Should().EndWith(Path.Combine("convnet", "mnist"));
    }

    [Fact]
    public void Options_are_validated()
    {
        FluentActions.Invoking(() => new MnistFetcher(new MnistFetcherOptions { Mirrors = [new Uri("ftp://example.org/mnist/")] }))
            .Should().Throw<ArgumentException>().WithMessage("*ftp://example.org/mnist/*http*");
        FluentActions.Invoking(() => new MnistFetcher(new MnistFetcherOptions { ConnectTimeout = TimeSpan.Zero }))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*ConnectTimeout must be positive*");
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static Dictionary<string, byte[]> Served(byte[] alpha, byte[] beta) => new()
    {
        ["alpha.gz"] = IdxTestFiles.Gzip(alpha),
        ["beta.gz"] = IdxTestFiles.Gzip(beta),
    };

    private MnistFetcherOptions Options(params Uri[] mirrors) => new()
    {
        CacheFolder = _cache.Path,
        Mirrors = mirrors,
        // Every connection here is refused or accepted at once; the timeout only bounds a test gone wrong, far above
        // what a busy machine takes to connect on the loopback interface (the handler counts it on the wall clock).
        ConnectTimeout = TimeSpan.FromMinutes(1),
        UseNpmFallback = false,
    };

    private MnistFetcher Fetcher(params Uri[] mirrors) => Fetcher(Options(mirrors));

    private MnistFetcher Fetcher(MnistFetcherOptions options)
    {
        ExpectedFile[] files =
        [
            new("alpha", Convert.ToHexStringLower(SHA256.HashData(_alpha)), _alpha.Length),
            new("beta", Convert.ToHexStringLower(SHA256.HashData(_beta)), _beta.Length),
        ];
        return new MnistFetcher(options, files, npmPackage: "unused", _clock);
    }
}
