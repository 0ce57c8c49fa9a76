using BenchmarkDotNet.Attributes;
using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Benchmarks;

/// <summary>
/// SimpleConvNet's first layer at batch 100 ([100, 1, 28, 28] → 30 filters 5×5 → [100, 30, 24, 24]): forward in
/// training mode, backward as the network runs it (parameter gradients only, since nothing consumes the
/// gradient of the data) and backward with the input gradient, as a convolution deeper in a network runs it.
/// </summary>
[MemoryDiagnoser]
public class ConvolutionBenchmarks
{
    private Convolution _layer = null!;
    private FloatTensor _input = null!;
    private FloatTensor _outputGradient = null!;

    [Params(false, true)]
    public bool InputGradient { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _layer = new Convolution("conv1", inputChannels: 1, filterCount: 30, kernelSize: 5);
        WeightInitialization.Normal(_layer.Weight.Value, 0.01f, random);
        _input = new FloatTensor(100, 1, 28, 28);
        _outputGradient = new FloatTensor(100, 30, 24, 24);
        Fill(_input.Span, random);
        Fill(_outputGradient.Span, random);

        // A network turns the input gradient off for its first layer (internal, visible to this project).
        _layer.ComputesInputGradient = InputGradient;
        _layer.Forward(_input, training: true);
    }

    [Benchmark]
    public FloatTensor Forward() => _layer.Forward(_input, training: true);

    [Benchmark]
    public FloatTensor Backward() => _layer.Backward(_outputGradient);

    private static void Fill(Span<float> values, Random random)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextSingle() - 0.5f;
        }
    }
}
