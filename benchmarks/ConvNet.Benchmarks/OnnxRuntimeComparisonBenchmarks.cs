using BenchmarkDotNet.Attributes;
using ConvNet.Core;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;
using ConvNet.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace ConvNet.Benchmarks;

/// <summary>
/// The fair fight for inference: ConvNet's own Predict against ONNX Runtime running the ONNX export of the same network
/// (same weights, same images, same machine, same run), at batch 1 and batch 100, both on two threads. ONNX Runtime is
/// called the fastest way its C# API allows (all graph optimizations, pre-allocated input and output OrtValues over
/// managed arrays); ConvNet is the baseline, so the Ratio column reads "ONNX Runtime's time / ConvNet's".
/// </summary>
[MemoryDiagnoser]
public class OnnxRuntimeComparisonBenchmarks : IDisposable
{
    private const int Threads = 2;

    private INetwork _network = null!;
    private FloatTensor _batch = null!;
    private SessionOptions _sessionOptions = null!;
    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private OrtValue[] _inputs = [];
    private OrtValue[] _outputs = [];
    private readonly string[] _inputNames = [OnnxExport.InputName];
    private readonly string[] _outputNames = [OnnxExport.ScoresName];

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

        using var model = new MemoryStream();
        OnnxExport.Save(_network, model);
        _sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = ConvNetRuntime.ThreadCount,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(model.ToArray(), _sessionOptions);
        _runOptions = new RunOptions();
        _inputs = [OrtValue.CreateTensorValueFromMemory(pixels, [BatchSize, 1, 28, 28])];
        _outputs = [OrtValue.CreateTensorValueFromMemory(new float[BatchSize * _network.ClassCount], [BatchSize, _network.ClassCount])];
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _inputs[0].Dispose();
        _outputs[0].Dispose();
        _runOptions.Dispose();
        _session.Dispose();
        _sessionOptions.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public FloatTensor ConvNet() => _network.Predict(_batch);

    [Benchmark]
    public void OnnxRuntime() => _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);
}
