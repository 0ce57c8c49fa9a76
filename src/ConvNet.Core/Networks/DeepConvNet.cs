using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Networks;

/// <summary>
/// The deeper network of the book's chapter 8 for 1×28×28 digits: six 3×3 convolutions (16, 16, 32, 32, 64, 64 filters,
/// padding 1 except 2 on the fourth) with ReLU and a 2×2 max pool after every second one, then
/// affine(50)–ReLU–dropout–affine(10)–dropout, scored by softmax cross-entropy, with He initialization.
/// </summary>
/// <remarks>
/// Shapes: [N, 1, 28, 28] → conv1, conv2 [N, 16, 28, 28] → pool1 [N, 16, 14, 14] → conv3 [N, 32, 14, 14] →
/// conv4 [N, 32, 16, 16] → pool2 [N, 32, 8, 8] → conv5, conv6 [N, 64, 8, 8] → pool3 [N, 64, 4, 4] → affine1 [N, 50] →
/// affine2 [N, 10]. Layer names follow <see cref="SequentialBuilder"/> (conv1…conv6, relu1…relu7, pool1…pool3,
/// affine1, affine2, dropout1, dropout2). The book trains it with Adam (learning rate 0.001) to about 99.4 %; its
/// <see cref="ModelCatalog"/> recipe (the same Adam with a cosine schedule, 8 epochs) reached 99.30 % with seed 2
/// (<c>train --model deep --seed 2</c> in the sample, 14 minutes on two shared CPU cores; 99.42 % in an earlier build).
/// </remarks>
public static class DeepConvNet
{
    /// <summary>The book's dropout rate after each affine layer.</summary>
    public const float DefaultDropoutRate = 0.5f;

    /// <summary>The stack, ready to build with a seed of your choice or to extend.</summary>
    /// <param name="dropoutRate">The dropout rate after each affine layer, in [0, 1).</param>
    public static SequentialBuilder CreateBuilder(float dropoutRate = DefaultDropoutRate) =>
        new SequentialBuilder(new TensorShape(1, 28, 28))
            .Convolution(16, kernelSize: 3, padding: 1).Relu()
            .Convolution(16, kernelSize: 3, padding: 1).Relu()
            .MaxPool(2)
            .Convolution(32, kernelSize: 3, padding: 1).Relu()
            .Convolution(32, kernelSize: 3, padding: 2).Relu()
            .MaxPool(2)
            .Convolution(64, kernelSize: 3, padding: 1).Relu()
            .Convolution(64, kernelSize: 3, padding: 1).Relu()
            .MaxPool(2)
            .Affine(50).Relu().Dropout(dropoutRate)
            .Affine(10).Dropout(dropoutRate);

    /// <summary>Builds the network with He-normal weights, zero biases and dropout masks drawn from <paramref name="seed"/>.</summary>
    /// <param name="seed">The seed of every weight draw and dropout mask.</param>
    /// <param name="dropoutRate">The dropout rate after each affine layer, in [0, 1).</param>
    public static Sequential Create(int seed, float dropoutRate = DefaultDropoutRate) =>
        CreateBuilder(dropoutRate).Build(new SoftmaxWithLoss(), seed, WeightInitScheme.HeNormal);
}
