using ConvNet.Core.Kernels;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;
using ConvNet.Onnx.Protobuf;

namespace ConvNet.Onnx;

/// <summary>
/// Turns the nodes of an <see cref="OnnxGraphChain"/> into ConvNet layers on a <see cref="SequentialBuilder"/> (which
/// names them conv1, relu1, … and checks every shape) and remembers each layer's weights, to be copied in after Build.
/// Every attribute that would make a node compute something a ConvNet layer does not is an error naming the node.
/// </summary>
internal sealed class OnnxLayerImporter
{
    /// <summary>The operators the importer reads, for error messages.</summary>
    public const string SupportedOperators =
        "Conv, MaxPool, AveragePool, GlobalAveragePool, Gemm, MatMul (+ Add), Relu, LeakyRelu, Sigmoid, Tanh, BatchNormalization, " +
        "Dropout, Flatten, Reshape (to [batch, features]), Pad (of nothing, or by zeros right before a pooling node), " +
        "Max (with the border mask of a zero-padded MaxPool right before it), Identity, Constant, " +
        "and a last Softmax or LogSoftmax";

    private readonly SequentialBuilder _builder;
    private readonly List<LayerValues> _values = [];
    private int _layerCount;

    // A Pad by zeros waiting for the pooling node after it, which takes its border as the layer's padding.
    private (OnnxNode Node, int Padding)? _pendingPad;

    // A MaxPool with its own (−∞) pads, imported as zero-padded: the Max with its border mask must come next (MaxPoolBorder).
    private (OnnxNode Node, WindowGeometry Geometry)? _pendingBorder;

    public OnnxLayerImporter(TensorShape itemShape) => _builder = new SequentialBuilder(itemShape);

    /// <summary>Appends the layer that computes what <paramref name="node"/> computes (none for Identity and a zero Pad; Add joins the MatMul before it).</summary>
    public void Add(OnnxNode node)
    {
        if (_pendingPad is { } pad && node.OpType is not ("MaxPool" or "AveragePool"))
        {
            throw PadNotBeforePooling(pad.Node);
        }

        if (_pendingBorder is { } border)
        {
            AddBorderMax(node, border.Node, border.Geometry);
            return;
        }

        switch (node.OpType)
        {
            case "Conv": AddConvolution(node); break;
            case "MaxPool" or "AveragePool": AddPooling(node); break;
            case "GlobalAveragePool": AddGlobalAveragePool(node); break;
            case "Gemm": AddGemm(node); break;
            case "MatMul": AddMatMul(node); break;
            case "Add": AddBias(node); break;
            case "Relu" or "Sigmoid" or "Tanh" or "Identity": AddActivation(node); break;
            case "LeakyRelu": AddLeakyRelu(node); break;
            case "BatchNormalization": AddBatchNormalization(node); break;
            case "Dropout": AddDropout(node); break;
            case "Flatten": AddFlatten(node); break;
            case "Reshape": AddReshape(node); break;
            case "Pad": AddPad(node); break;
            default: throw node.Error($"the operator is not supported; ConvNet imports {SupportedOperators}");
        }
    }

    /// <summary>Builds the network (with a softmax cross-entropy loss) and copies every imported weight into it.</summary>
    /// <param name="seed">Seeds the dropout masks used in fine-tuning.</param>
    public Sequential Build(int seed)
    {
        if (_pendingPad is { } pad)
        {
            throw PadNotBeforePooling(pad.Node);
        }

        if (_pendingBorder is { } border)
        {
            throw BorderMaxMissing(border.Node);
        }

        Sequential network = _builder.Build(new SoftmaxWithLoss(), seed);
        foreach (LayerValues values in _values)
        {
            ILayer layer = network.Layers[values.LayerIndex];
            RequireFinite(values, layer);
            for (int i = 0; i < values.Parameters.Length; i++)
            {
                values.Parameters[i].CopyTo(layer.Parameters[i].Value.Span);
            }

            for (int i = 0; i < values.State.Length; i++)
            {
                values.State[i].CopyTo(((IStatefulLayer)layer).State[i].Value.Span);
            }
        }

        return network;
    }

    private TensorShape Shape => _builder.OutputShape;

    /// <summary>
    /// Refuses NaN and infinite weights and statistics, as the library's own files are refused (a network holding them
    /// predicts NaN): stored so, or made so by folding Gemm's alpha and beta in.
    /// </summary>
    private static void RequireFinite(LayerValues values, ILayer layer)
    {
        var tensors = values.Parameters.Select((value, i) => (value, layer.Parameters[i].Name))
            .Concat(values.State.Select((value, i) => (value, ((IStatefulLayer)layer).State[i].Name)));
        foreach ((float[] value, string name) in tensors)
        {
            int index = Array.FindIndex(value, v => !float.IsFinite(v));
            if (index >= 0)
            {
                throw values.Node.Error($"its {name} holds {value[index]} at index {index}; every weight and statistic must be finite");
            }
        }
    }

    private void AddConvolution(OnnxNode node)
    {
        node.RequireKnownAttributes("kernel_shape", "strides", "pads", "dilations", "group", "auto_pad");
        int channels = RequireImages(node);
        int[] weightShape = node.InputShape(1, "weight");
        if (weightShape.Length != 4 || weightShape[1] != channels)
        {
            throw node.Error($"the weight is [{string.Join(", ", weightShape)}]; expected [filters, {channels}, kernel height, kernel width] ({channels} input channels)");
        }

        int filters = weightShape[0];
        (int Height, int Width) kernel = (weightShape[2], weightShape[3]);
        RequireEqual(node, "kernel_shape", node.Ints("kernel_shape", [kernel.Height, kernel.Width]), [kernel.Height, kernel.Width], "the weight's kernel size");
        RequireEqual(node, "group", [node.Int("group", 1)], [1], "grouped convolutions are not supported");
        RequireAll(node, "dilations", node.Ints("dilations", [1, 1]), 2, 1, "ConvNet convolutions have dilation 1");
        int stride = Uniform(node, "strides", node.Ints("strides", [1, 1]), 2, "ConvNet strides are the same on both axes");
        int padding = Padding(node);
        float[] weight = node.FloatInput(1, "weight", weightShape);
        float[] bias = node.HasInput(2) ? node.FloatInput(2, "bias", filters) : new float[filters];
        Append(node, () => _builder.Convolution(filters, kernel, stride, padding), [weight, bias]);
    }

    private void AddPooling(OnnxNode node)
    {
        bool max = node.OpType == "MaxPool";
        node.RequireKnownAttributes(max
            ? ["kernel_shape", "strides", "pads", "dilations", "ceil_mode", "auto_pad", "storage_order"]
            : ["kernel_shape", "strides", "pads", "dilations", "ceil_mode", "auto_pad", "count_include_pad"]);
        RequireImages(node);
        if (!node.HasAttribute("kernel_shape"))
        {
            throw node.Error("attribute 'kernel_shape' is missing");
        }

        long[] kernelShape = node.Ints("kernel_shape", []);
        if (kernelShape.Length != 2 || kernelShape.Any(size => size is < 1 or > int.MaxValue))
        {
            throw node.Error($"kernel_shape [{string.Join(", ", kernelShape)}] is not supported; expected [height, width] of a 2-D pooling");
        }

        (int Height, int Width) size = ((int)kernelShape[0], (int)kernelShape[1]);
        int stride = Uniform(node, "strides", node.Ints("strides", [1, 1]), 2, "ConvNet strides are the same on both axes");
        RequireAll(node, "dilations", node.Ints("dilations", [1, 1]), 2, 1, "ConvNet pooling has dilation 1");
        RequireEqual(node, "ceil_mode", [node.Int("ceil_mode", 0)], [0], "ConvNet pooling rounds sizes down");

        // ConvNet pads pooling with zeros that take part in the window (the seed's im2col). AveragePool's own pads are
        // such zeros when count_include_pad = 1; MaxPool's are −∞, which is the same function only with the Max by the
        // border mask after it (how ConvNet exports a padded max pool; MaxPoolBorder).
        int ownPadding = Padding(node);
        if (ownPadding != 0 && max)
        {
            if (_pendingPad is not null)
            {
                throw node.Error("a Pad before a MaxPool with pads of its own is not supported");
            }

            var geometry = new WindowGeometry(Shape[1], Shape[2], Shape[3], size.Height, size.Width, stride, ownPadding);
            _pendingBorder = (node, geometry);
        }

        if (ownPadding != 0 && !max && node.Int("count_include_pad", 0) != 1)
        {
            throw node.Error("pads with count_include_pad 0 are not supported; ConvNet's padded average pooling divides by the whole window (count_include_pad 1)");
        }

        int padding = ownPadding + (_pendingPad?.Padding ?? 0);
        _pendingPad = null;

        // storage_order changes nothing without an indices output.
        Append(node, () => max ? _builder.MaxPool(size, stride, padding) : _builder.AveragePool(size, stride, padding), []);
    }

    private void AddGlobalAveragePool(OnnxNode node)
    {
        node.RequireKnownAttributes();
        RequireImages(node);
        (int Height, int Width) size = (Shape[2], Shape[3]);
        Append(node, () => _builder.AveragePool(size, Math.Max(size.Height, size.Width)), []);
    }

    private void AddGemm(OnnxNode node)
    {
        node.RequireKnownAttributes("alpha", "beta", "transA", "transB");
        RequireEqual(node, "transA", [node.Int("transA", 0)], [0], "the input must be the left operand as it stands");
        bool transposed = node.Int("transB", 0) != 0;
        int inputSize = RequireRows(node);
        int[] weightShape = node.InputShape(1, "weight");
        int outputSize = weightShape.Length == 2 ? weightShape[transposed ? 0 : 1] : 0;
        int[] expectedWeightShape = transposed ? [outputSize, inputSize] : [inputSize, outputSize];
        if (outputSize == 0 || !weightShape.AsSpan().SequenceEqual(expectedWeightShape))
        {
            throw node.Error($"the weight is [{string.Join(", ", weightShape)}]; expected {(transposed ? "[outputs, " + inputSize + "] (transB = 1)" : "[" + inputSize + ", outputs]")}");
        }

        // Gemm: Y = alpha · A·B′ + beta · C, with B′ = Bᵀ when transB = 1; Affine keeps W [in, out] = alpha · B′.
        float alpha = node.Float("alpha", 1f);
        float beta = node.Float("beta", 1f);
        float[] stored = node.FloatInput(1, "weight", weightShape);
        float[] weight = new float[stored.Length];
        for (int row = 0; row < inputSize; row++)
        {
            for (int column = 0; column < outputSize; column++)
            {
                weight[(row * outputSize) + column] = alpha * stored[transposed ? (column * inputSize) + row : (row * outputSize) + column];
            }
        }

        float[] bias = node.HasInput(2) ? BiasVector(node, 2, outputSize) : new float[outputSize];
        for (int i = 0; i < bias.Length; i++)
        {
            bias[i] *= beta;
        }

        Append(node, () => _builder.Affine(outputSize), [weight, bias]);
    }

    private void AddMatMul(OnnxNode node)
    {
        node.RequireKnownAttributes();
        int inputSize = RequireRows(node);
        int[] weightShape = node.InputShape(1, "weight");
        if (weightShape.Length != 2 || weightShape[0] != inputSize)
        {
            throw node.Error($"the weight is [{string.Join(", ", weightShape)}]; expected [{inputSize}, outputs]");
        }

        int outputSize = weightShape[1];
        float[] weight = node.FloatInput(1, "weight", weightShape);
        Append(node, () => _builder.Affine(outputSize), [weight, new float[outputSize]], biasPending: true);
    }

    private void AddBias(OnnxNode node)
    {
        // Only the second half of MatMul + Add, the way Linear layers on rows are sometimes exported.
        node.RequireKnownAttributes();
        LayerValues? last = _values.Count > 0 ? _values[^1] : null;
        if (last is null || !last.BiasPending || last.LayerIndex != _layerCount - 1)
        {
            throw node.Error("Add is supported only as the bias right after a MatMul");
        }

        int constantInput = node.HasInput(1) && node.Proto.Input[0] == last.Output ? 1 : 0;
        float[] bias = BiasVector(node, constantInput, last.Parameters[1].Length);
        bias.CopyTo(last.Parameters[1], 0);
        last.BiasPending = false;
        last.Output = node.Output;
    }

    private void AddActivation(OnnxNode node)
    {
        node.RequireKnownAttributes();
        switch (node.OpType)
        {
            case "Relu": Append(node, () => _builder.Relu(), []); break;
            case "Sigmoid": Append(node, () => _builder.Sigmoid(), []); break;
            case "Tanh": Append(node, () => _builder.Tanh(), []); break;
            default: break;   // Identity: no layer.
        }
    }

    private void AddLeakyRelu(OnnxNode node)
    {
        node.RequireKnownAttributes("alpha");
        float slope = node.Float("alpha", 0.01f);
        if (!(slope >= 0f && slope < 1f))
        {
            throw node.Error($"alpha {slope} is not supported; ConvNet's LeakyRelu takes a slope in [0, 1)");
        }

        Append(node, () => _builder.LeakyRelu(slope), []);
    }

    private void AddBatchNormalization(OnnxNode node)
    {
        node.RequireKnownAttributes("epsilon", "momentum", "training_mode", "spatial", "is_test");
        RequireEqual(node, "training_mode", [node.Int("training_mode", 0)], [0], "only the inference form can be imported");
        RequireEqual(node, "spatial", [node.Int("spatial", 1)], [1], "only per-channel statistics are supported");
        if (Shape.Rank is not (2 or 4))
        {
            throw node.Error($"its input {Shape} is neither [batch, features] nor [batch, channels, height, width]");
        }

        int features = Shape[1];
        float epsilon = node.Float("epsilon", 1e-5f);
        float momentum = node.Float("momentum", 0.9f);
        if (!(epsilon > 0f) || !(momentum >= 0f && momentum < 1f))
        {
            throw node.Error($"epsilon {epsilon} must be positive and momentum {momentum} in [0, 1)");
        }

        float[] scale = node.FloatInput(1, "scale", features);
        float[] shift = node.FloatInput(2, "bias", features);
        float[] mean = node.FloatInput(3, "running mean", features);
        float[] variance = node.FloatInput(4, "running variance", features);
        Append(node, () => _builder.BatchNormalization(momentum, epsilon), [scale, shift], [mean, variance]);
    }

    private void AddDropout(OnnxNode node)
    {
        // Opset 12 moved the ratio from an attribute to an input; both are read. The seed only affects training masks.
        node.RequireKnownAttributes("ratio", "seed", "is_test");
        float rate = node.Float("ratio", 0.5f);
        if (node.HasInput(1))
        {
            TensorProto ratio = node.ConstantInput(1, "ratio");
            float[] values = OnnxTensorData.Floats(ratio, node.Error);
            rate = values.Length == 1 ? values[0] : throw node.Error($"the ratio '{ratio.Name}' holds {values.Length} values; expected one");
        }

        if (node.HasInput(2) && !OnnxTensorData.AllFalse(node.ConstantInput(2, "training mode"), node.Error))
        {
            throw node.Error("its training mode is on; only the inference form can be imported");
        }

        if (!(rate >= 0f && rate < 1f))
        {
            throw node.Error($"ratio {rate} is not in [0, 1)");
        }

        Append(node, () => _builder.Dropout(rate), []);
    }

    private void AddFlatten(OnnxNode node)
    {
        node.RequireKnownAttributes("axis");
        long axis = node.Int("axis", 1);
        RequireEqual(node, "axis", [axis < 0 ? axis + Shape.Rank : axis], [1], "ConvNet flattens everything but the batch axis");
        Append(node, () => _builder.Flatten(), []);
    }

    private void AddReshape(OnnxNode node)
    {
        node.RequireKnownAttributes("allowzero");
        RequireEqual(node, "allowzero", [node.Int("allowzero", 0)], [0], "a zero in the shape must mean 'copy this axis'");
        TensorProto target = node.ConstantInput(1, "shape");
        long[] shape = OnnxTensorData.Int64s(target, node.Error);

        // [0 or -1 or the batch size, item size or -1] keeps the batch axis and flattens the rest, like Flatten.
        long itemSize = Shape.ItemSize;
        bool flattens = shape.Length == 2
            && ((shape[0] == 0 && (shape[1] == -1 || shape[1] == itemSize)) || (shape[0] == -1 && shape[1] == itemSize));
        if (!flattens)
        {
            throw node.Error($"Reshape to [{string.Join(", ", shape)}] is supported only as a flatten to [batch, {itemSize}]");
        }

        Append(node, () => _builder.Flatten(), []);
    }

    private void AddPad(OnnxNode node)
    {
        // PyTorch 1.13 exports avg_pool2d as a Pad by zero pixels and an AveragePool; such a Pad changes nothing. A Pad by
        // zeros on both image axes before a pooling node is that layer's padding (how a padded max pool is exported).
        node.RequireKnownAttributes("mode", "pads", "value");
        long[] pads = node.HasInput(1) ? OnnxTensorData.Int64s(node.ConstantInput(1, "pads"), node.Error) : node.Ints("pads", []);
        if (pads.All(pad => pad == 0))
        {
            return;
        }

        string mode = node.String("mode", "constant");
        float value = node.HasInput(2) ? SingleFloat(node, 2, "constant value") : node.Float("value", 0f);
        bool imageBorder = Shape.Rank == 4 && pads.Length == 8 && pads[0] == 0 && pads[1] == 0 && pads[4] == 0 && pads[5] == 0
            && pads[2] == pads[3] && pads[2] == pads[6] && pads[2] == pads[7] && pads[2] is > 0 and <= int.MaxValue;
        if (mode != "constant" || value != 0f || node.HasInput(3) || !imageBorder)
        {
            throw node.Error(
                $"Pad mode '{mode}', value {value}, pads [{string.Join(", ", pads)}]{(node.HasInput(3) ? " on chosen axes" : "")} is not supported; " +
                "only a Pad by zeros, equal on every side of the images, right before MaxPool or AveragePool can be imported");
        }

        _pendingPad = (node, (int)pads[2]);
    }

    /// <summary>Checks that <paramref name="node"/> is the Max by the border mask that makes <paramref name="pool"/>'s −∞ pads zeros.</summary>
    private void AddBorderMax(OnnxNode node, OnnxNode pool, WindowGeometry geometry)
    {
        if (node.OpType != "Max" || node.Proto.Input.Count != 2)
        {
            throw BorderMaxMissing(pool);
        }

        node.RequireKnownAttributes();
        TensorProto tensor = node.ConstantInput(1, "border mask");
        float[] values = OnnxTensorData.Floats(tensor, node.Error);
        int[] dimensions = OnnxTensorData.Dimensions(tensor, node.Error);
        bool imageShaped = dimensions.Length >= 2 && dimensions[^2] == geometry.OutputHeight && dimensions[^1] == geometry.OutputWidth
            && dimensions[..^2].All(size => size == 1);
        if (!imageShaped || !values.AsSpan().SequenceEqual(MaxPoolBorder.Mask(geometry)))
        {
            throw node.Error($"the constant '{tensor.Name}' is not the border mask of the MaxPool before it (0 where a window overlaps the padding, −∞ elsewhere)");
        }

        _pendingBorder = null;
    }

    private static InvalidDataException BorderMaxMissing(OnnxNode pool) =>
        pool.Error("MaxPool's own pads are −∞, which ConvNet's zero-padded max pooling is not; it imports only when the next node is Max with the zero border mask (as ConvNet exports it), or as a Pad by zeros before an unpadded MaxPool");

    private static InvalidDataException PadNotBeforePooling(OnnxNode pad) =>
        pad.Error("a Pad by zeros is supported only right before MaxPool or AveragePool, where it becomes the pooling layer's padding");

    private static float SingleFloat(OnnxNode node, int index, string role)
    {
        TensorProto tensor = node.ConstantInput(index, role);
        float[] values = OnnxTensorData.Floats(tensor, node.Error);
        return values.Length == 1 ? values[0] : throw node.Error($"the {role} '{tensor.Name}' holds {values.Length} values; expected one");
    }

    private static float[] BiasVector(OnnxNode node, int index, int size)
    {
        int[] shape = node.InputShape(index, "bias");
        bool fits = shape.Length switch
        {
            1 => shape[0] == size,
            2 => shape[0] == 1 && shape[1] == size,
            _ => false,
        };
        return fits
            ? node.FloatInput(index, "bias", shape)
            : throw node.Error($"the bias is [{string.Join(", ", shape)}]; expected [{size}] or [1, {size}]");
    }

    private static int Padding(OnnxNode node)
    {
        string autoPad = node.String("auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or "VALID"))
        {
            throw node.Error($"auto_pad {autoPad} is not supported; give explicit equal pads");
        }

        long[] pads = node.Ints("pads", [0, 0, 0, 0]);
        if (autoPad == "VALID" && node.HasAttribute("pads"))
        {
            throw node.Error("auto_pad VALID and explicit pads together are ambiguous");
        }

        return Uniform(node, "pads", pads, 4, "asymmetric or unequal padding is not supported; ConvNet pads every side equally");
    }

    private int RequireImages(OnnxNode node) =>
        Shape.Rank == 4 ? Shape[1] : throw node.Error($"its input {Shape} is not a batch of images [batch, channels, height, width]");

    private int RequireRows(OnnxNode node) =>
        Shape.Rank == 2 ? Shape[1] : throw node.Error($"its input {Shape} is not a batch of rows [batch, features]; flatten it first");

    private void Append(OnnxNode node, Func<SequentialBuilder> addLayer, float[][] parameters, float[][]? state = null, bool biasPending = false)
    {
        try
        {
            addLayer();
        }
        catch (ArgumentException exception)
        {
            throw node.Error(exception.Message.TrimEnd('.'));
        }

        if (parameters.Length > 0 || state is not null)
        {
            _values.Add(new LayerValues(node, _layerCount, parameters, state ?? []) { BiasPending = biasPending, Output = node.Output });
        }

        _layerCount++;
    }

    private static int Uniform(OnnxNode node, string attribute, long[] values, int count, string reason)
    {
        if (values.Length != count || values.Any(value => value != values[0]) || values[0] is < 0 or > int.MaxValue)
        {
            throw node.Error($"{attribute} [{string.Join(", ", values)}] is not supported; {reason}");
        }

        return (int)values[0];
    }

    private static void RequireAll(OnnxNode node, string attribute, long[] values, int count, long expected, string reason)
    {
        if (values.Length != count || values.Any(value => value != expected))
        {
            throw node.Error($"{attribute} [{string.Join(", ", values)}] is not supported; {reason}");
        }
    }

    private static void RequireEqual(OnnxNode node, string attribute, long[] values, long[] expected, string reason)
    {
        if (!values.AsSpan().SequenceEqual(expected))
        {
            throw node.Error($"{attribute} [{string.Join(", ", values)}] is not supported; {reason}");
        }
    }

    /// <summary>The imported values of one layer, in the order of its <see cref="ILayer.Parameters"/> and <see cref="IStatefulLayer.State"/>.</summary>
    private sealed record LayerValues(OnnxNode Node, int LayerIndex, float[][] Parameters, float[][] State)
    {
        /// <summary>True for a MatMul's Affine until an Add supplies its bias.</summary>
        public bool BiasPending { get; set; }

        /// <summary>The ONNX value this layer's output stands for.</summary>
        public string Output { get; set; } = "";
    }
}
