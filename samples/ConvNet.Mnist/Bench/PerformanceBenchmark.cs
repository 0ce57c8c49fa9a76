using System.Diagnostics;
using ConvNet.Core;
using ConvNet.Core.Data;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Optimizers;
using ConvNet.Core.Tensors;

namespace ConvNet.Mnist.Bench;

/// <summary>
/// Times SimpleConvNet on this machine the way the PyTorch reference script does: a training step (forward,
/// backward, SGD update) at batch 100, inference throughput in batches, single-image latency, plus the GEMM
/// on a 1024³ product and the bytes a steady-state training step allocates. Medians after warm-up. Given a peer
/// engine (the benchmarks project passes ONNX Runtime on the ONNX export of the same network), inference is timed
/// side by side with it, the two taking turns.
/// </summary>
/// <remarks>Run it on an otherwise idle machine, and compare implementations within one run: figures drift with load.</remarks>
public static class PerformanceBenchmark
{
    private const int GemmSize = 1024;

    // Long enough for a spinning thread pool to give its cores back (see SettleAfterTurn).
    private const int TurnPauseMilliseconds = 50;

    // Single-image calls at the start of each latency turn that the steady figure leaves out (see TimeLatency): at least
    // this many calls, and calls for at least this long.
    private const int WarmCallsPerTurn = 50;
    private const int WarmMillisecondsPerTurn = 25;

    /// <summary>Measures with the seed's SimpleConvNet on <paramref name="data"/> (or synthetic 28×28 images when null).</summary>
    /// <param name="options">Run lengths; null for the defaults.</param>
    /// <param name="data">Images [count, 1, 28, 28] with labels 0–9; at least one batch. Null for random images.</param>
    /// <param name="progress">Receives one line per phase; null for none.</param>
    /// <param name="peer">Makes the engine to time beside ConvNet's inference from the network and the images; null for none.</param>
    /// <exception cref="ArgumentException">The data are not [count, 1, 28, 28] or hold less than one batch.</exception>
    public static PerformanceReport Run(
        PerformanceBenchmarkOptions? options = null,
        LabeledDataset? data = null,
        TextWriter? progress = null,
        Func<INetwork, LabeledDataset, IInferencePeer>? peer = null)
    {
        options ??= new PerformanceBenchmarkOptions();
        options.Validate();
        var networkOptions = new SimpleConvNetOptions();
        data ??= SyntheticImages(networkOptions, Math.Max(options.BatchSize, 1000), options.Seed);
        CheckData(data, networkOptions, options.BatchSize);
        var network = SimpleConvNet.Create(networkOptions, options.Seed);

        (double stepMilliseconds, long allocatedPerStep) = TimeTrainingSteps(network, data, options);
        progress?.WriteLine($"train step @{options.BatchSize}: {stepMilliseconds:F2} ms, {allocatedPerStep} bytes allocated per step");
        if (options.Verbose && progress is not null)
        {
            StageBreakdown.Print(network, data, options, progress);
        }

        // Inference side by side with the peer on the same network (same weights, same images), the two taking turns
        // pass by pass and block by block so that drift and load hit both alike.
        INetwork inferenceNetwork = options.InferenceNetwork ?? network;
        using IInferencePeer? peerEngine = peer?.Invoke(inferenceNetwork, data);
        var engines = new List<Action<int, int>> { (start, count) => inferenceNetwork.Predict(data.Inputs.SliceBatch(start, count)) };
        if (peerEngine is not null)
        {
            engines.Add(peerEngine.Predict);
        }

        double[] imagesPerSecond = TimeInference(engines, data, options);
        (double[] latencyMilliseconds, double[] coldLatencyMilliseconds) = TimeLatency(engines, data, options);
        progress?.WriteLine($"inference @{options.BatchSize}: {imagesPerSecond[0]:F0} images/s");
        progress?.WriteLine($"batch-1 latency: {latencyMilliseconds[0]:F3} ms (first call after {TurnPauseMilliseconds} ms idle: {coldLatencyMilliseconds[0]:F3} ms)");
        if (peerEngine is not null)
        {
            progress?.WriteLine(
                $"{peerEngine.Name}, {ConvNetRuntime.ThreadCount} threads, same run: " +
                $"inference @{options.BatchSize} {imagesPerSecond[1]:F0} images/s (ConvNet ×{imagesPerSecond[0] / imagesPerSecond[1]:F2}), " +
                $"batch-1 latency {latencyMilliseconds[1]:F3} ms (ConvNet ×{latencyMilliseconds[0] / latencyMilliseconds[1]:F2} the time), " +
                $"first call after {TurnPauseMilliseconds} ms idle {coldLatencyMilliseconds[1]:F3} ms (ConvNet ×{coldLatencyMilliseconds[0] / coldLatencyMilliseconds[1]:F2})");
        }

        double gemmGflops = TimeGemm(options.GemmRuns);
        progress?.WriteLine($"GEMM {GemmSize}³: {gemmGflops:F1} GFLOP/s on {Environment.ProcessorCount} threads");

        double epochSeconds = stepMilliseconds / 1000 * Math.Ceiling((double)options.EpochImages / options.BatchSize);
        return new PerformanceReport(stepMilliseconds, epochSeconds, imagesPerSecond[0], latencyMilliseconds[0], gemmGflops, allocatedPerStep)
        {
            ColdLatencyMilliseconds = coldLatencyMilliseconds[0],
            PeerColdLatencyMilliseconds = peerEngine is null ? null : coldLatencyMilliseconds[1],
            Peer = peerEngine?.Name,
            PeerImagesPerSecond = peerEngine is null ? null : imagesPerSecond[1],
            PeerLatencyMilliseconds = peerEngine is null ? null : latencyMilliseconds[1],
        };
    }

    private static (double Milliseconds, long AllocatedPerStep) TimeTrainingSteps(Sequential network, LabeledDataset data, PerformanceBenchmarkOptions options)
    {
        int batchSize = options.BatchSize;
        var sgd = new Sgd(network, learningRate: 0.01f);
        var batch = new FloatTensor(batchSize, data.Inputs.Shape[1], data.Inputs.Shape[2], data.Inputs.Shape[3]);
        int[] labels = new int[batchSize];
        int[] indices = new int[batchSize];
        var random = new Random(options.Seed);
        double[] stepTimes = new double[options.TimedSteps];
        long allocatedBefore = 0;
        for (int step = -options.WarmupSteps; step < options.TimedSteps; step++)
        {
            if (step == 0)
            {
                allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            }

            // Random batches, as the reference script draws them; the gather is part of the step there too.
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < batchSize; i++)
            {
                indices[i] = random.Next(data.Count);
            }

            data.Gather(indices, batch, labels);
            network.ComputeGradients(batch, labels);
            sgd.Step();
            if (step >= 0)
            {
                stepTimes[step] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return (Median(stepTimes), allocated / options.TimedSteps);
    }

    /// <summary>Images per second of each engine over the inference set in batches, the engines taking turns pass by pass.</summary>
    private static double[] TimeInference(List<Action<int, int>> engines, LabeledDataset data, PerformanceBenchmarkOptions options)
    {
        int batchSize = options.BatchSize;
        int batchesInData = data.Count / batchSize;
        int batches = Math.Max(1, options.InferenceImages / batchSize);
        double[][] passSeconds = [.. engines.Select(_ => new double[options.InferencePasses])];
        for (int pass = -1; pass < options.InferencePasses; pass++)
        {
            for (int engine = 0; engine < engines.Count; engine++)
            {
                SettleAfterTurn(engines.Count);
                long start = Stopwatch.GetTimestamp();
                for (int batch = 0; batch < batches; batch++)
                {
                    engines[engine](batch % batchesInData * batchSize, batchSize);
                }

                if (pass >= 0)
                {
                    passSeconds[engine][pass] = Stopwatch.GetElapsedTime(start).TotalSeconds;
                }
            }
        }

        return [.. passSeconds.Select(seconds => batches * batchSize / Median(seconds))];
    }

    /// <summary>
    /// Each engine's median single-image time once warm, and the median of its first call after the pause between turns,
    /// the engines taking turns in blocks of the same images.
    /// </summary>
    /// <remarks>
    /// The pause and the other engine's turn leave the machine cold: the first call of a turn reads its weights from
    /// memory (several times the steady time), and for the next tens of milliseconds calls still run well below their
    /// steady speed (on this machine's virtual cores a turn of 50 calls after a 50 ms pause never reached it: both engines
    /// read as if on one slow core). So each turn first calls for <see cref="WarmMillisecondsPerTurn"/> (and at least
    /// <see cref="WarmCallsPerTurn"/> calls), the same time for either engine, and only then times its block: the steady
    /// figure is what a serving process predicting image after image sees (the anchor harness times ONNX Runtime the
    /// same way: 300 calls, then the timed ones). Each turn's first call gives the cold figure.
    /// </remarks>
    private static (double[] Warm, double[] Cold) TimeLatency(List<Action<int, int>> engines, LabeledDataset data, PerformanceBenchmarkOptions options)
    {
        const int BlockSize = 50;
        double[][] runTimes = [.. engines.Select(_ => new double[options.LatencyRuns])];
        var firstCallTimes = engines.Select(_ => new List<double>()).ToArray();
        for (int block = -1; block * BlockSize < options.LatencyRuns; block++)
        {
            for (int engine = 0; engine < engines.Count; engine++)
            {
                // Always a pause, even with one engine: it is what makes the first call cold.
                Thread.Sleep(TurnPauseMilliseconds);
                long turnStart = Stopwatch.GetTimestamp();
                for (int call = 0; call < WarmCallsPerTurn || Stopwatch.GetElapsedTime(turnStart).TotalMilliseconds < WarmMillisecondsPerTurn; call++)
                {
                    long start = Stopwatch.GetTimestamp();
                    engines[engine](call % data.Count, 1);
                    if (block >= 0 && call == 0)
                    {
                        firstCallTimes[engine].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }
                }

                // Block −1 is a warm-up turn only: its range of runs is empty.
                for (int run = Math.Max(block, 0) * BlockSize; run < Math.Min((block + 1) * BlockSize, options.LatencyRuns); run++)
                {
                    long start = Stopwatch.GetTimestamp();
                    engines[engine](run % data.Count, 1);
                    runTimes[engine][run] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
            }
        }

        return ([.. runTimes.Select(Median)], [.. firstCallTimes.Select(times => Median([.. times]))]);
    }

    /// <summary>
    /// Between two engines' turns, a pause: an engine's thread pool keeps spinning on the cores for a while after its
    /// last call (ONNX Runtime's does by default), and the next engine's turn must not pay for it.
    /// </summary>
    private static void SettleAfterTurn(int engineCount)
    {
        if (engineCount > 1)
        {
            Thread.Sleep(TurnPauseMilliseconds);
        }
    }

    private static double TimeGemm(int runs)
    {
        // The library's GEMM, reached through its public face: an affine layer 1024 -> 1024 on 1024 items.
        var layer = new Affine("gemm", GemmSize, GemmSize);
        var input = new FloatTensor(GemmSize, GemmSize);
        var random = new Random(1);
        foreach (ref float value in input.Span)
        {
            value = random.NextSingle() - 0.5f;
        }

        double[] runSeconds = new double[runs];
        for (int run = -2; run < runs; run++)
        {
            long start = Stopwatch.GetTimestamp();
            layer.Forward(input, training: false);   // a [1024, 1024] x [1024, 1024] product plus the bias
            if (run >= 0)
            {
                runSeconds[run] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }
        }

        return 2.0 * GemmSize * GemmSize * GemmSize / Median(runSeconds) / 1e9;
    }

    private static LabeledDataset SyntheticImages(SimpleConvNetOptions networkOptions, int count, int seed)
    {
        var random = new Random(seed);
        var images = new FloatTensor(count, networkOptions.InputChannels, networkOptions.InputHeight, networkOptions.InputWidth);
        Span<float> pixels = images.Span;
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = random.NextSingle();
        }

        int[] labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = random.Next(networkOptions.OutputSize);
        }

        return new LabeledDataset(images, labels);
    }

    private static void CheckData(LabeledDataset data, SimpleConvNetOptions networkOptions, int batchSize)
    {
        TensorShape shape = data.Inputs.Shape;
        if (shape.Rank != 4 || shape[1] != networkOptions.InputChannels || shape[2] != networkOptions.InputHeight
            || shape[3] != networkOptions.InputWidth || data.Count < batchSize)
        {
            throw new ArgumentException(
                $"The benchmark needs images [count ≥ {batchSize}, {networkOptions.InputChannels}, {networkOptions.InputHeight}, {networkOptions.InputWidth}]; got {shape}.",
                nameof(data));
        }
    }

    internal static double Median(double[] values)
    {
        double[] sorted = (double[])values.Clone();
        Array.Sort(sorted);
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
