using BenchmarkDotNet.Attributes;
using ConvNet.Core.Networks;
using ConvNet.Core.Optimizers;
using ConvNet.Core.Tensors;

namespace ConvNet.Benchmarks;

/// <summary>
/// The seed's SimpleConvNet as PyTorch's reference script times it: one training step at batch 100 (forward,
/// backward, SGD update of every parameter), inference on a batch of 100, and a single-image prediction.
/// </summary>
[MemoryDiagnoser]
public class NetworkBenchmarks
{
    private Sequential _network = null!;
    private Sgd _sgd = null!;
    private FloatTensor _batch = null!;
    private FloatTensor _image = null!;
    private int[] _labels = [];

    [GlobalSetup]
    public void Setup()
    {
        _network = SimpleConvNet.Create(seed: 1);
        _sgd = new Sgd(_network, learningRate: 0.01f);
        var random = new Random(1);
        _batch = new FloatTensor(100, 1, 28, 28);
        Span<float> pixels = _batch.Span;
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = random.NextSingle();
        }

        _image = _batch.SliceBatch(0, 1);
        _labels = Enumerable.Range(0, 100).Select(i => i % 10).ToArray();
    }

    [Benchmark]
    public void TrainingStepAt100()
    {
        _network.ComputeGradients(_batch, _labels);
        _sgd.Step();
    }

    [Benchmark]
    public FloatTensor InferenceAt100() => _network.Predict(_batch);

    [Benchmark]
    public FloatTensor InferenceAt1() => _network.Predict(_image);
}
