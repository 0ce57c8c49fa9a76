using ConvNet.Core.Kernels;
using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;
using ConvNet.Onnx.Protobuf;
using static ConvNet.Onnx.OnnxGraphWriter;

namespace ConvNet.Onnx;

/// <summary>
/// Writes one ConvNet layer as the ONNX nodes that compute the same function at inference: every layer the library
/// has, and a clear error for any other (a layer of your own has no ONNX form the exporter could know).
/// </summary>
internal static class LayerExporter
{
    /// <summary>The layer types this exporter writes, for error messages.</summary>
    public const string SupportedLayers =
        "Convolution, Pooling (max, average), Affine, Relu, LeakyRelu, Sigmoid, Tanh, BatchNormalization, Dropout, Flatten";

    /// <summary>
    /// Appends the nodes of <paramref name="layer"/>, reading value <paramref name="input"/> shaped <paramref name="inputShape"/>
    /// and writing value <paramref name="output"/> (already reserved in <paramref name="graph"/>).
    /// </summary>
    /// <returns><paramref name="output"/>.</returns>
    /// <exception cref="NotSupportedException">The layer is not one of <see cref="SupportedLayers"/>.</exception>
    public static string Export(ILayer layer, TensorShape inputShape, string input, string output, OnnxGraphWriter graph) => layer switch
    {
        Convolution convolution => ExportConvolution(convolution, input, output, graph),
        Pooling pooling => ExportPooling(pooling, inputShape, input, output, graph),
        Affine affine => ExportAffine(affine, inputShape, input, output, graph),
        Relu relu => graph.AddNode("Relu", relu.Name, output, [input]),
        LeakyRelu leaky => graph.AddNode("LeakyRelu", leaky.Name, output, [input], Float("alpha", leaky.Slope)),
        Sigmoid sigmoid => graph.AddNode("Sigmoid", sigmoid.Name, output, [input]),
        Tanh tanh => graph.AddNode("Tanh", tanh.Name, output, [input]),
        BatchNormalization batchNorm => ExportBatchNormalization(batchNorm, input, output, graph),
        Dropout dropout => graph.AddNode(
            "Dropout", dropout.Name, output,
            [input, graph.AddInitializer($"{dropout.Name}.ratio", [dropout.Rate])]),   // identity at inference; the rate survives a round trip
        Flatten flatten => graph.AddNode("Flatten", flatten.Name, output, [input], Int("axis", 1)),
        _ => throw new NotSupportedException(
            $"Layer '{layer.Name}' ({layer.GetType().Name}) has no ONNX form; the exporter writes {SupportedLayers}."),
    };

    private static string ExportConvolution(Convolution convolution, string input, string output, OnnxGraphWriter graph)
    {
        string weight = graph.AddInitializer($"{convolution.Name}.{convolution.Weight.Name}", convolution.Weight.Value);
        string bias = graph.AddInitializer($"{convolution.Name}.{convolution.Bias.Name}", convolution.Bias.Value);
        return graph.AddNode(
            "Conv", convolution.Name, output, [input, weight, bias],
            Ints("kernel_shape", convolution.KernelHeight, convolution.KernelWidth),
            Ints("strides", convolution.Stride, convolution.Stride),
            Ints("pads", convolution.Padding, convolution.Padding, convolution.Padding, convolution.Padding),
            Ints("dilations", 1, 1),
            Int("group", 1));
    }

    private static string ExportPooling(Pooling pooling, TensorShape inputShape, string input, string output, OnnxGraphWriter graph)
    {
        // Floor rounding (ceil_mode 0): windows never overhang the padded image. The padding is a border of zeros that
        // takes part in the window: AveragePool's own pads do that with count_include_pad = 1 (the divisor is the whole
        // window); MaxPool's pads are −∞, so a padded max pool is followed by Max with its border mask (MaxPoolBorder).
        long padding = pooling.Padding;
        var attributes = new List<AttributeProto>
        {
            Ints("kernel_shape", pooling.PoolHeight, pooling.PoolWidth),
            Ints("strides", pooling.Stride, pooling.Stride),
            Ints("pads", padding, padding, padding, padding),
        };
        if (pooling.Mode == PoolingMode.Average)
        {
            attributes.Add(Int("count_include_pad", 1));
            return graph.AddNode("AveragePool", pooling.Name, output, [input], [.. attributes]);
        }

        if (padding == 0)
        {
            return graph.AddNode("MaxPool", pooling.Name, output, [input], [.. attributes]);
        }

        var geometry = new WindowGeometry(inputShape[1], inputShape[2], inputShape[3], pooling.PoolHeight, pooling.PoolWidth, pooling.Stride, pooling.Padding);
        string pooled = graph.AddNode("MaxPool", pooling.Name, graph.NewValueName($"{pooling.Name}.pooled"), [input], [.. attributes]);
        string mask = graph.AddInitializer($"{pooling.Name}.border", MaxPoolBorder.Mask(geometry), 1, 1, geometry.OutputHeight, geometry.OutputWidth);
        return graph.AddNode("Max", $"{pooling.Name}.border", output, [pooled, mask]);
    }

    private static string ExportAffine(Affine affine, TensorShape inputShape, string input, string output, OnnxGraphWriter graph)
    {
        // Affine flattens images itself; ONNX Gemm takes a matrix, so [N, C, H, W] goes through Flatten first
        // (row-major, the same order Affine reads).
        if (inputShape.Rank > 2)
        {
            input = graph.AddNode("Flatten", $"{affine.Name}.flatten", graph.NewValueName($"{affine.Name}.flatten"), [input], Int("axis", 1));
        }

        // Gemm computes A·B + C; ConvNet keeps its weight [inputSize, outputSize], which is B as it stands (transB = 0),
        // where PyTorch's Linear stores [out, in] and exports transB = 1.
        string weight = graph.AddInitializer($"{affine.Name}.{affine.Weight.Name}", affine.Weight.Value);
        string bias = graph.AddInitializer($"{affine.Name}.{affine.Bias.Name}", affine.Bias.Value);
        return graph.AddNode("Gemm", affine.Name, output, [input, weight, bias], Int("transA", 0), Int("transB", 0));
    }

    private static string ExportBatchNormalization(BatchNormalization batchNorm, string input, string output, OnnxGraphWriter graph)
    {
        // Inference form: y = gamma · (x − running mean) / sqrt(running variance + epsilon) + beta, per channel.
        var inputs = new List<string> { input };
        inputs.AddRange(batchNorm.Parameters.Select(parameter => graph.AddInitializer($"{batchNorm.Name}.{parameter.Name}", parameter.Value)));
        inputs.AddRange(batchNorm.State.Select(state => graph.AddInitializer($"{batchNorm.Name}.{state.Name}", state.Value)));
        return graph.AddNode(
            "BatchNormalization", batchNorm.Name, output, inputs,
            Float("epsilon", batchNorm.Epsilon), Float("momentum", batchNorm.Momentum), Int("training_mode", 0));
    }
}
