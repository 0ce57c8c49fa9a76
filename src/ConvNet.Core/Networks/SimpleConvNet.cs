using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Networks;

/// <summary>
/// The seed's network: conv1 (Convolution) → relu1 → pool1 (2×2 max) → affine1 → relu2 → affine2 → SoftmaxWithLoss.
/// With the default <see cref="SimpleConvNetOptions"/>: [N, 1, 28, 28] → [N, 30, 24, 24] → [N, 30, 12, 12] → [N, 100] → [N, 10].
/// </summary>
/// <remarks>
/// Weights are drawn from N(0, <see cref="SimpleConvNetOptions.WeightInitStandardDeviation"/>²) with a
/// <see cref="Random"/> seeded by the constructor's seed, in the order conv1, affine1, affine2; biases start at zero.
/// Thread-safety is that of <see cref="Sequential"/>: predictions from many threads, one training loop.
/// </remarks>
public sealed class SimpleConvNet : INetwork
{
    private readonly Sequential _network;

    /// <summary>Builds and initializes the network.</summary>
    /// <param name="options">The architecture; validated here.</param>
    /// <param name="seed">Seed for the weight draws: the same options and seed give the same network.</param>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="SimpleConvNetOptions.Validate"/>).</exception>
    public SimpleConvNet(SimpleConvNetOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        var convolution = new Convolution("conv1", options.InputChannels, options.FilterCount, options.FilterSize, options.ConvolutionStride, options.ConvolutionPadding);
        var hidden = new Affine("affine1", options.FlattenedSize, options.HiddenSize);
        var output = new Affine("affine2", options.HiddenSize, options.OutputSize);
        var random = new Random(seed);
        WeightInitialization.Normal(convolution.Weight.Value, options.WeightInitStandardDeviation, random);
        WeightInitialization.Normal(hidden.Weight.Value, options.WeightInitStandardDeviation, random);
        WeightInitialization.Normal(output.Weight.Value, options.WeightInitStandardDeviation, random);
        _network = new Sequential(
            new TensorShape(options.InputChannels, options.InputHeight, options.InputWidth),
            [convolution, new Relu("relu1"), new Pooling("pool1", options.PoolSize, options.PoolStride), hidden, new Relu("relu2"), output],
            new SoftmaxWithLoss());
    }

    /// <summary>The architecture this network was built with.</summary>
    public SimpleConvNetOptions Options { get; }

    /// <inheritdoc />
    public TensorShape InputShape => _network.InputShape;

    /// <inheritdoc />
    public int ClassCount => _network.ClassCount;

    /// <inheritdoc />
    public IReadOnlyList<ILayer> Layers => _network.Layers;

    /// <inheritdoc />
    public ILossLayer LossLayer => _network.LossLayer;

    /// <inheritdoc />
    public IReadOnlyList<NamedParameter> Parameters => _network.Parameters;

    /// <inheritdoc />
    public FloatTensor Predict(FloatTensor input) => _network.Predict(input);

    /// <inheritdoc />
    public float Loss(FloatTensor input, ReadOnlySpan<int> labels) => _network.Loss(input, labels);

    /// <inheritdoc />
    public float ComputeGradients(FloatTensor input, ReadOnlySpan<int> labels) => _network.ComputeGradients(input, labels);

    /// <inheritdoc />
    public double Accuracy(FloatTensor input, ReadOnlySpan<int> labels, int batchSize = 100) => _network.Accuracy(input, labels, batchSize);
}
