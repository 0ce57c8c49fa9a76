using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Networks;

/// <summary>
/// The seed's network, built like every other ready-made network as a <see cref="Sequential"/>:
/// conv1 (Convolution) → relu1 → pool1 (max) → affine1 → relu2 → affine2, scored by <see cref="SoftmaxWithLoss"/>.
/// With the default <see cref="SimpleConvNetOptions"/>: [N, 1, 28, 28] → [N, 30, 24, 24] → [N, 30, 12, 12] → [N, 100] → [N, 10].
/// </summary>
/// <remarks>
/// Weights are drawn from N(0, <see cref="SimpleConvNetOptions.WeightInitStandardDeviation"/>²) with a
/// <see cref="Random"/> seeded by the seed, in the order conv1, affine1, affine2; biases start at zero.
/// </remarks>
public static class SimpleConvNet
{
    /// <summary>The seed's stack for <paramref name="options"/>, ready to build with a seed of your choice or to extend.</summary>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="SimpleConvNetOptions.Validate"/>).</exception>
    public static SequentialBuilder CreateBuilder(SimpleConvNetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new SequentialBuilder(new TensorShape(options.InputChannels, options.InputHeight, options.InputWidth))
            .Convolution(options.FilterCount, options.FilterSize, options.ConvolutionStride, options.ConvolutionPadding).Relu()
            .MaxPool(options.PoolSize, options.PoolStride)
            .Affine(options.HiddenSize).Relu()
            .Affine(options.OutputSize);
    }

    /// <summary>Builds and initializes the network.</summary>
    /// <param name="options">The architecture; validated here.</param>
    /// <param name="seed">Seed for the weight draws: the same options and seed give the same network.</param>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="SimpleConvNetOptions.Validate"/>).</exception>
    public static Sequential Create(SimpleConvNetOptions options, int seed) =>
        CreateBuilder(options).Build(new SoftmaxWithLoss(), seed, options.WeightInitStandardDeviation);

    /// <summary>Builds and initializes the seed's network with the default <see cref="SimpleConvNetOptions"/>.</summary>
    /// <param name="seed">Seed for the weight draws.</param>
    public static Sequential Create(int seed) => Create(new SimpleConvNetOptions(), seed);
}
