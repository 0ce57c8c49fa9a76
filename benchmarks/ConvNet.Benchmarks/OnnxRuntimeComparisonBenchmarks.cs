using BenchmarkDotNet.Attributes;
using ConvNet.Core;
using ConvNet.Core.Data;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;

namespace ConvNet.Benchmarks;

/// <summary>
/// The fair fight for inference: ConvNet's own Predict against ONNX Runtime running the ONNX export of the same network
/// (same weights, same images, same machine, same run), at batch 1 and batch 100, both on two threads. ONNX Runtime is
/// called the fastest way its C# API allows (<see cref="OnnxRuntimePeer"/>); ConvNet is the baseline, so the Ratio
/// column reads "ONNX Runtime's time / ConvNet's".
/// </summary>
[MemoryDiagnoser]
public class OnnxRuntimeComparisonBenchmarks : IDisposable
{
    private const int Threads = 2;

    private INetwork _network = null!;
    private FloatTensor _batch = null!;
    private OnnxRuntimePeer _onnxRuntime = null!;

    /// <summary>The library's network by <see cref="ModelCatalog"/> name.</summary>
    [Params(ModelCatalog.Simple, ModelCatalog.Best)]
    public string Network { get; set; } = ModelCatalog.Simple;

    [Params(1, 100)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ConvNetRuntime.ThreadCount = Math.Min(Threads, ConvNetRuntime.MaxThreadCount);
        _network = ModelCatalog.Create(Network, seed: 1);
        var random = new Random(1);
        float[] pixels = new float[BatchSize * 28 * 28];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = random.NextSingle();
        }

        _batch = new FloatTensor(new TensorShape(BatchSize, 1, 28, 28), pixels);
        _onnxRuntime = new OnnxRuntimePeer(_network, new LabeledDataset(_batch, new int[BatchSize]));
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _onnxRuntime.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public FloatTensor ConvNet() => _network.Predict(_batch);

    [Benchmark]
    public void OnnxRuntime() => _onnxRuntime.Predict(0, BatchSize);
}
