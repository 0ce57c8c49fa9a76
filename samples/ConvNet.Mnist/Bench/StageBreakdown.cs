using System.Diagnostics;
using ConvNet.Core;
using ConvNet.Core.Data;
using ConvNet.Core.Networks;
using ConvNet.Core.Optimizers;
using ConvNet.Core.Tensors;

namespace ConvNet.Mnist.Bench;

/// <summary>
/// <c>bench --verbose</c>: where a training step's and a prediction's time goes, stage by stage as the library runs them
/// (layers it fuses appear as one stage, such as <c>conv1+relu1+pool1</c>), and single-image latency on one thread
/// against all of them, the two taking turns.
/// </summary>
internal static class StageBreakdown
{
    public static void Print(Sequential network, LabeledDataset data, PerformanceBenchmarkOptions options, TextWriter output)
    {
        int batchSize = options.BatchSize;
        var sgd = new Sgd(network, learningRate: 0.01f);
        var batch = new FloatTensor(batchSize, data.Inputs.Shape[1], data.Inputs.Shape[2], data.Inputs.Shape[3]);
        int[] labels = new int[batchSize];
        int[] indices = new int[batchSize];
        var random = new Random(options.Seed);
        var steps = new List<IReadOnlyList<StageTiming>>();
        for (int step = 0; step < options.TimedSteps; step++)
        {
            for (int i = 0; i < batchSize; i++)
            {
                indices[i] = random.Next(data.Count);
            }

            data.Gather(indices, batch, labels);
            steps.Add(network.ProfileGradients(batch, labels));
            sgd.Step();
        }

        Write(output, $"training step @{batchSize}", steps);
        foreach (int size in new[] { batchSize, 1 })
        {
            FloatTensor images = data.Inputs.SliceBatch(0, size);
            int runs = size == 1 ? options.LatencyRuns : options.TimedSteps;
            Write(output, $"inference @{size}", [.. Enumerable.Range(0, runs).Select(_ => network.ProfilePredict(images))]);
        }

        (double oneThread, double allThreads) = LatencyByThreadCount(network, data, options.LatencyRuns);
        output.WriteLine(
            $"batch-1 latency, turns taken: 1 thread {oneThread:F3} ms, {ConvNetRuntime.ThreadCount} threads {allThreads:F3} ms (×{oneThread / allThreads:F2})");
    }

    /// <summary>One line per stage: median forward and backward milliseconds and the share of the summed medians.</summary>
    private static void Write(TextWriter output, string title, List<IReadOnlyList<StageTiming>> runs)
    {
        IReadOnlyList<StageTiming> first = runs[0];
        double[] forward = [.. first.Select((_, stage) => PerformanceBenchmark.Median([.. runs.Select(run => run[stage].Forward.TotalMilliseconds)]))];
        double[] backward = [.. first.Select((_, stage) => PerformanceBenchmark.Median([.. runs.Select(run => run[stage].Backward.TotalMilliseconds)]))];
        double total = forward.Sum() + backward.Sum();
        output.WriteLine($"{title}, per stage (medians of {runs.Count} runs, ms): forward, backward, share");
        for (int stage = 0; stage < first.Count; stage++)
        {
            output.WriteLine($"  {first[stage].Name,-20} {forward[stage],9:F3} {backward[stage],9:F3} {(forward[stage] + backward[stage]) / total,6:P0}");
        }
    }

    /// <summary>Median single-image time with <see cref="ConvNetRuntime.ThreadCount"/> 1 and as it was, in alternating blocks.</summary>
    private static (double OneThread, double AllThreads) LatencyByThreadCount(Sequential network, LabeledDataset data, int runs)
    {
        const int BlockSize = 50;
        int threads = ConvNetRuntime.ThreadCount;
        var times = new[] { new List<double>(), new List<double>() };
        try
        {
            for (int block = -1; block * BlockSize < runs; block++)
            {
                for (int turn = 0; turn < 2; turn++)
                {
                    ConvNetRuntime.ThreadCount = turn == 0 ? 1 : threads;
                    for (int i = 0; i < BlockSize; i++)
                    {
                        FloatTensor image = data.Inputs.SliceBatch(Math.Abs((block * BlockSize) + i) % data.Count, 1);
                        long start = Stopwatch.GetTimestamp();
                        network.Predict(image);
                        if (block >= 0)
                        {
                            times[turn].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                        }
                    }
                }
            }
        }
        finally
        {
            ConvNetRuntime.ThreadCount = threads;
        }

        return (PerformanceBenchmark.Median([.. times[0]]), PerformanceBenchmark.Median([.. times[1]]));
    }
}
