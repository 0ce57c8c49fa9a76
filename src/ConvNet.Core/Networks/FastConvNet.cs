using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Networks;

/// <summary>
/// The network of the <c>fast</c> recipe, made to reach 99 % MNIST test accuracy in the least training time: two small
/// convolution blocks without padding or batch normalization (so every block runs as one fused Convolution + ReLU + max
/// pooling training stage) and a 128-unit hidden layer, about 1.3 MFLOP per image forward.
/// </summary>
/// <remarks>
/// Shapes: [N, 1, 28, 28] → conv1 5×5 (16) → pool1 [N, 16, 12, 12] → conv2 3×3 (24) → pool2 [N, 24, 5, 5]
/// → affine1 [N, 128] → affine2 [N, 10]; each convolution and affine1 followed by ReLU. He-normal initialization.
/// </remarks>
public static class FastConvNet
{
    /// <summary>The stack for 1×28×28 digits and 10 classes, ready to build with a seed of your choice or to extend.</summary>
    public static SequentialBuilder CreateBuilder() =>
        new SequentialBuilder(new TensorShape(1, 28, 28))
            .Convolution(16, kernelSize: 5).Relu().MaxPool(2)
            .Convolution(24, kernelSize: 3).Relu().MaxPool(2)
            .Affine(128).Relu()
            .Affine(10);

    /// <summary>Builds the network with He-normal weights drawn from <paramref name="seed"/>.</summary>
    public static Sequential Create(int seed) => CreateBuilder().Build(new SoftmaxWithLoss(), seed, WeightInitScheme.HeNormal);
}
