using ConvNet.Core.Data;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Optimizers;
using ConvNet.Core.Tensors;
using ConvNet.Core.Training;

namespace ConvNet.Onnx.Tests;

/// <summary>The networks the ONNX tests export and import.</summary>
internal static class TestNetworks
{
    /// <summary>
    /// One of every layer the library has, with settings the seed's networks do not use (a stride-2 padded
    /// convolution, overlapping average windows, batch normalization on images and on rows):
    /// [N, 1, 28, 28] → conv1 (6, 5×5, pad 2) → bn1 → leakyrelu1 → pool1 max 2 [N, 6, 14, 14] → conv2 (8, 3×3, stride 2, pad 1)
    /// [N, 8, 7, 7] → tanh1 → pool2 average 3 stride 2 [N, 8, 3, 3] → sigmoid1 → flatten1 [N, 72] → affine1 [N, 32] → bn2 → relu1
    /// → dropout1 → affine2 [N, 10].
    /// </summary>
    public static Sequential EveryLayer(int seed) =>
        new SequentialBuilder(new TensorShape(1, 28, 28))
            .Convolution(6, kernelSize: 5, padding: 2).BatchNormalization().LeakyRelu(0.1f).MaxPool(2)
            .Convolution(8, kernelSize: 3, stride: 2, padding: 1).Tanh().AveragePool(3, stride: 2)
            .Sigmoid().Flatten()
            .Affine(32).BatchNormalization().Relu().Dropout(0.3f)
            .Affine(10)
            .Build(new SoftmaxWithLoss(), seed);

    /// <summary>
    /// The seed's layer shapes the named networks do not use, each in its ONNX form: rectangular kernels and windows,
    /// a zero-padded max pool over negative values (Pad + MaxPool) and a zero-padded average pool (pads, count_include_pad 1).
    /// No ReLU follows the max pool: it would hide whether the border is 0 or −∞ (max(0, ·) of either is the same).
    /// [N, 1, 28, 28] → conv1 (6, 3×5, stride 2, pad 1) [N, 6, 14, 13] → pool1 max 2×3 stride 2 pad 1 [N, 6, 8, 7] → tanh1
    /// → conv2 (8, 5×3, pad 1) [N, 8, 6, 7] → relu1 → pool2 average 3 stride 2 pad 1 [N, 8, 3, 4] → flatten1 → affine1 [N, 10].
    /// </summary>
    public static Sequential RectangularAndPadded(int seed) =>
        new SequentialBuilder(new TensorShape(1, 28, 28))
            .Convolution(6, kernelSize: (3, 5), stride: 2, padding: 1).MaxPool((2, 3), stride: 2, padding: 1).Tanh()
            .Convolution(8, kernelSize: (5, 3), padding: 1).Relu().AveragePool(3, stride: 2, padding: 1)
            .Flatten().Affine(10)
            .Build(new SoftmaxWithLoss(), seed);

    /// <summary>
    /// A few Adam steps on real images, so that weights, biases and batch-normalization statistics all move away
    /// from their initial values (zero biases and unit variances would hide a layout mistake).
    /// </summary>
    public static void TrainBriefly(INetwork network, LabeledDataset training, int steps = 8) =>
        new Trainer(network, new Adam(network, 0.002f), new TrainerOptions { BatchSize = 50, Iterations = steps, Seed = 3 }).Train(training);

    /// <summary>The library's named networks, plus <see cref="EveryLayer"/> and <see cref="RectangularAndPadded"/>.</summary>
    public static INetwork Create(string name) => name switch
    {
        "every-layer" => EveryLayer(seed: 4),
        "rectangular-padded" => RectangularAndPadded(seed: 4),
        _ => ModelCatalog.Create(name, seed: 4),
    };
}
