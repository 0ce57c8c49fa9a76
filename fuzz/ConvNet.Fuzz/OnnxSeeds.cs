using ConvNet.Core.Layers;
using ConvNet.Core.Models;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;
using ConvNet.Onnx;

namespace ConvNet.Fuzz;

/// <summary>
/// The onnx target's seeds: tiny networks exported as ConvNet writes them, a few hundred bytes to 2 KB each, between
/// them every operator form the importer reads from its own exports (Conv, MaxPool with the border Max, AveragePool,
/// BatchNormalization on images and rows, the activations, Dropout, Flatten, Gemm, Softmax) and a model's metadata.
/// </summary>
internal static class OnnxSeeds
{
    public static void Write(string folder)
    {
        Directory.CreateDirectory(folder);
        var seeds = new Dictionary<string, Sequential>
        {
            ["conv-pool-affine.onnx"] = new SequentialBuilder(new TensorShape(1, 6, 6))
                .Convolution(2, kernelSize: 3).Relu().MaxPool(2).Flatten().Affine(3)
                .Build(new SoftmaxWithLoss(), seed: 1),
            ["padded-batchnorm.onnx"] = new SequentialBuilder(new TensorShape(2, 5, 5))
                .Convolution(2, kernelSize: 3, padding: 1).BatchNormalization().LeakyRelu(0.1f).MaxPool(2, stride: 2, padding: 1)
                .Tanh().AveragePool(2).Flatten().Affine(4).BatchNormalization().Sigmoid().Dropout(0.2f).Affine(2)
                .Build(new SoftmaxWithLoss(), seed: 2),
            ["rows.onnx"] = new SequentialBuilder(new TensorShape(5)).Affine(3).Relu().Affine(2).Build(new SoftmaxWithLoss(), seed: 3),
        };
        foreach ((string name, Sequential network) in seeds)
        {
            OnnxExport.Save(network, Path.Combine(folder, name));
        }

        // A described model: its name, class names and accuracy in the metadata, and the probabilities output.
        var rows = new SequentialBuilder(new TensorShape(5)).Affine(3).Relu().Affine(2).Build(new SoftmaxWithLoss(), seed: 4);
        var model = new Model(rows, "rows") { ClassNames = ["no", "yes"], TestAccuracy = 0.5 };
        OnnxExport.Save(model, Path.Combine(folder, "described.onnx"), new OnnxExportOptions { IncludeProbabilities = true });
    }
}
