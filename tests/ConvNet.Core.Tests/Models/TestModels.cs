using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Serialization;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Models;

/// <summary>Networks that use every layer type with non-default hyper-parameters, and helpers to make their files.</summary>
internal static class TestModels
{
    /// <summary>
    /// Every layer kind with non-default settings: [N, 3, 12, 10] → conv1 (pad 1) → bn1 → leakyrelu1 → conv2 (stride 2) →
    /// tanh1 → average pool1 → conv3 1×1 → relu1 → max pool2 (stride 1) → flatten1 → affine1 → bn2 → sigmoid1 → dropout1 → affine2 [N, 5].
    /// </summary>
    public static Sequential EveryLayer(int seed)
    {
        Sequential network = new SequentialBuilder(new TensorShape(3, 12, 10))
            .Convolution(4, kernelSize: 3, padding: 1).BatchNormalization(momentum: 0.8f, epsilon: 1e-3f).LeakyRelu(0.05f)
            .Convolution(6, kernelSize: 3, stride: 2).Tanh().AveragePool(2)
            .Convolution(5, kernelSize: 1).Relu().MaxPool(2, stride: 1)
            .Flatten().Affine(7).BatchNormalization().Sigmoid().Dropout(0.25f).Affine(5)
            .Build(new SoftmaxWithLoss(), seed);
        Randomize(network, seed);
        return network;
    }

    /// <summary>
    /// The seed's layer shapes the named networks do not use: rectangular kernels and windows, and zero-padded pooling of
    /// both modes (a max over negative pixels that the border wins):
    /// [N, 2, 11, 13] → conv1 3×5 stride 2 pad 1 [N, 4, 6, 6] → pool1 max 2×3 stride 2 pad 1 [N, 4, 4, 3] → relu1
    /// → conv2 2×1 [N, 3, 3, 3] → pool2 average 3×2 stride 1 pad 1 [N, 3, 3, 4] → affine1 [N, 5].
    /// </summary>
    public static Sequential RectangularAndPadded(int seed)
    {
        Sequential network = new SequentialBuilder(new TensorShape(2, 11, 13))
            .Convolution(4, kernelSize: (3, 5), stride: 2, padding: 1).MaxPool((2, 3), stride: 2, padding: 1).Relu()
            .Convolution(3, kernelSize: (2, 1)).AveragePool((3, 2), stride: 1, padding: 1)
            .Affine(5)
            .Build(new SoftmaxWithLoss(), seed);
        Randomize(network, seed);
        return network;
    }

    /// <summary>Gives every parameter and state tensor distinct random values (positive where they are variances), as after training.</summary>
    public static void Randomize(INetwork network, int seed)
    {
        var random = new Random(seed);
        foreach (var (name, tensor) in NetworkTensors.Collect(network))
        {
            Span<float> values = tensor.Span;
            for (int i = 0; i < values.Length; i++)
            {
                float value = (random.NextSingle() * 2f) - 1f;
                values[i] = name.EndsWith("running_variance", StringComparison.Ordinal) ? 0.5f + MathF.Abs(value) : value;
            }
        }
    }

    /// <summary>Rewrites the model file at <paramref name="path"/> with changed metadata and/or tensors.</summary>
    public static void Rewrite(
        string path,
        Action<Dictionary<string, string>>? changeMetadata = null,
        Action<Dictionary<string, FloatTensor>>? changeTensors = null)
    {
        var metadata = new Dictionary<string, string>(Checkpoint.ReadMetadata(path), StringComparer.Ordinal);
        var tensors = new Dictionary<string, FloatTensor>(Checkpoint.ReadTensors(path), StringComparer.Ordinal);
        changeMetadata?.Invoke(metadata);
        changeTensors?.Invoke(tensors);
        using var stream = File.Create(path);
        SafeTensorsFormat.Write(stream, tensors.ToList(), metadata);
    }
}
