using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Networks;

/// <summary>
/// The library's most accurate single network for 1×28×28 digits: three convolution blocks with batch normalization
/// and a batch-normalized hidden layer with dropout. <see cref="ModelCatalog.CreateRecipe"/> gives the recipe it is measured
/// with (<c>train --model best</c> in the sample; the README has its figures).
/// </summary>
/// <remarks>
/// Shapes: [N, 1, 28, 28] → conv1 5×5 (32, pad 2) → pool1 [N, 32, 14, 14] → conv2 3×3 (64, pad 1) → pool2 [N, 64, 7, 7]
/// → conv3 3×3 (64, pad 1) → pool3 [N, 64, 3, 3] → affine1 [N, 128] → affine2 [N, 10]; each convolution and affine1
/// is followed by batch normalization and ReLU, and affine1's ReLU by dropout. He-normal initialization.
/// </remarks>
public static class BestConvNet
{
    /// <summary>The dropout rate after the hidden layer.</summary>
    public const float DropoutRate = 0.3f;

    /// <summary>The stack for 1×28×28 digits and 10 classes, ready to build with a seed of your choice or to extend.</summary>
    public static SequentialBuilder CreateBuilder() => CreateBuilder(new TensorShape(1, 28, 28), classCount: 10);

    /// <summary>
    /// The same stack for images of another size or colour and another number of classes (for example [3, 32, 32] and
    /// the class folders of an image dataset): each pooling halves the sides, so they must be at least 8 pixels.
    /// </summary>
    /// <param name="inputShape">One image [channels, height, width].</param>
    /// <param name="classCount">The number of classes, 2 or more.</param>
    /// <exception cref="ArgumentException">The shape is not [C, H, W] with sides of at least 8 pixels.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 2 classes.</exception>
    public static SequentialBuilder CreateBuilder(TensorShape inputShape, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        if (inputShape.Rank != 3 || inputShape[1] < 8 || inputShape[2] < 8)
        {
            throw new ArgumentException($"BestConvNet takes images [channels, height, width] of at least 8 × 8 pixels; got {inputShape}.", nameof(inputShape));
        }

        return new SequentialBuilder(inputShape)
            .Convolution(32, kernelSize: 5, padding: 2).BatchNormalization().Relu().MaxPool(2)
            .Convolution(64, kernelSize: 3, padding: 1).BatchNormalization().Relu().MaxPool(2)
            .Convolution(64, kernelSize: 3, padding: 1).BatchNormalization().Relu().MaxPool(2)
            .Affine(128).BatchNormalization().Relu().Dropout(DropoutRate)
            .Affine(classCount);
    }

    /// <summary>Builds the network with He-normal weights and dropout masks drawn from <paramref name="seed"/>.</summary>
    public static Sequential Create(int seed) => CreateBuilder().Build(new SoftmaxWithLoss(), seed, WeightInitScheme.HeNormal);
}
