using System.Globalization;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Serialization;

/// <summary>
/// Reads and writes a network's weights as the <c>state_dict</c> of the equivalent PyTorch <c>torch.nn.Sequential</c>,
/// in a safetensors file (<c>safetensors.torch.save_file(model.state_dict(), path)</c> writes one,
/// <c>model.load_state_dict(safetensors.torch.load_file(path))</c> reads one).
/// </summary>
/// <remarks>
/// <para>Each layer becomes one module, numbered from 0 in order: Convolution → <c>Conv2d</c> (<c>weight</c> [out, in, k, k]
/// and <c>bias</c> as stored here); Affine → <c>Linear</c> (<c>weight</c> [out, in], the transpose of this library's
/// [in, out], and <c>bias</c>), preceded by a <c>Flatten</c> module when its input is an image, since PyTorch's Linear does
/// not flatten; BatchNormalization → <c>BatchNorm2d</c> on images or <c>BatchNorm1d</c> on rows (<c>weight</c> = gamma,
/// <c>bias</c> = beta, <c>running_mean</c>, <c>running_var</c>, <c>num_batches_tracked</c>, an int64 scalar written as 0
/// and ignored on import; PyTorch's momentum is 1 − this library's); Pooling → <c>MaxPool2d</c> or <c>AvgPool2d</c>; Relu,
/// LeakyRelu, Sigmoid, Tanh, Dropout, Flatten → <c>ReLU</c>, <c>LeakyReLU</c>, <c>Sigmoid</c>, <c>Tanh</c>, <c>Dropout</c>,
/// <c>Flatten</c>, without tensors. The loss is not part of the module (<c>torch.nn.CrossEntropyLoss</c> on its output).
/// <see cref="ModuleSource"/> writes the module out.</para>
/// <para>Inference is the same function on both sides. Training differs in one detail: PyTorch folds the unbiased batch
/// variance into <c>running_var</c>, this library the biased one (as the book does).</para>
/// <para>Import is as strict as <see cref="Checkpoint.LoadInto(INetwork, string)"/>: every key the module has must be
/// there with its shape and float32 values, finite; nothing else may be; the network is untouched unless all is well.</para>
/// </remarks>
public static class PyTorchStateDict
{
    /// <summary>The metadata key under which an exported file carries <see cref="ModuleSource"/>.</summary>
    public const string ModuleKey = "pytorch.module";

    /// <summary>Writes the weights of <paramref name="network"/> to <paramref name="path"/> as a PyTorch state_dict.</summary>
    /// <exception cref="ArgumentException">A layer has no PyTorch counterpart here (a layer of your own).</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    public static void Export(INetwork network, string path)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var modules = Modules(network);
        AtomicFile.Write(path, stream => Write(modules, stream));
    }

    /// <summary>Writes the weights of <paramref name="network"/> to <paramref name="stream"/> (left open) as a PyTorch state_dict.</summary>
    /// <exception cref="ArgumentException">A layer has no PyTorch counterpart here (a layer of your own).</exception>
    public static void Export(INetwork network, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        Write(Modules(network), stream);
    }

    /// <summary>Restores <paramref name="network"/>'s weights and batch-normalization state from a PyTorch state_dict file.</summary>
    /// <exception cref="InvalidDataException">The file is corrupt, or a key is missing, unexpected, shaped or typed differently
    /// from what the equivalent module holds, or a value is not finite. Nothing in the network has changed then.</exception>
    /// <exception cref="ArgumentException">A layer has no PyTorch counterpart here (a layer of your own).</exception>
    public static void ImportInto(INetwork network, string path)
    {
        ArgumentNullException.ThrowIfNull(network);
        var modules = Modules(network);
        using var reader = CheckpointReader.Open(path);
        Import(modules, reader);
    }

    /// <summary>Restores <paramref name="network"/> from a PyTorch state_dict starting at the current position of <paramref name="stream"/> (left open).</summary>
    /// <exception cref="InvalidDataException">As for <see cref="ImportInto(INetwork, string)"/>, including a stream that ends early.</exception>
    /// <exception cref="ArgumentException">A layer has no PyTorch counterpart here (a layer of your own).</exception>
    public static void ImportInto(INetwork network, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(network);
        var modules = Modules(network);
        using var reader = CheckpointReader.Open(stream);
        Import(modules, reader);
    }

    /// <summary>
    /// The Python expression of the equivalent module, such as <c>torch.nn.Sequential(torch.nn.Conv2d(1, 30, kernel_size=5),
    /// torch.nn.ReLU(), torch.nn.MaxPool2d(kernel_size=2, stride=2), torch.nn.Flatten(), torch.nn.Linear(4320, 100), …)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A layer has no PyTorch counterpart here (a layer of your own).</exception>
    public static string ModuleSource(INetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return "torch.nn.Sequential(" + string.Join(", ", Modules(network).Select(module => module.Source)) + ")";
    }

    private static void Write(IReadOnlyList<Module> modules, Stream stream)
    {
        var tensors = new List<KeyValuePair<string, FloatTensor>>();
        var counters = new List<string>();
        foreach (Module module in modules)
        {
            foreach (TensorBinding binding in module.Tensors)
            {
                FloatTensor value = binding.Target;
                if (binding.Transposed)
                {
                    value = new FloatTensor(new TensorShape(binding.FileShape));
                    TensorBinding.Transpose(binding.Target.ReadOnlySpan, value.Span, binding.FileShape[1], binding.FileShape[0]);
                }

                tensors.Add(new(binding.Name, value));
            }

            counters.AddRange(module.Counters);
        }

        string source = "torch.nn.Sequential(" + string.Join(", ", modules.Select(module => module.Source)) + ")";
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [ModuleKey] = source, ["format"] = "pt" };
        SafeTensorsFormat.Write(stream, tensors, metadata, [.. counters.Select(name => new KeyValuePair<string, long>(name, 0))]);
    }

    private static void Import(IReadOnlyList<Module> modules, CheckpointReader reader)
    {
        var counters = modules.SelectMany(module => module.Counters).ToHashSet(StringComparer.Ordinal);
        foreach (SafeTensorsEntry entry in reader.Header.Entries.Where(entry => counters.Contains(entry.Name)))
        {
            if (entry.Shape.Length != 0 || entry.DType != SafeTensorsFormat.Int64)
            {
                throw new InvalidDataException(
                    $"'{reader.Source}' holds '{entry.Name}' as {entry.DType} {entry.FormattedShape}; PyTorch stores it as an I64 scalar [].");
            }
        }

        reader.LoadInto([.. modules.SelectMany(module => module.Tensors)], counters);
    }

    /// <summary>The modules of the equivalent <c>torch.nn.Sequential</c>, numbered as PyTorch numbers them.</summary>
    private static List<Module> Modules(INetwork network)
    {
        var modules = new List<Module>();
        TensorShape shape = network.InputShape.AsItemOfBatch(1);
        foreach (ILayer layer in network.Layers)
        {
            string prefix = $"{modules.Count}.";
            switch (layer)
            {
                case Convolution convolution:
                    modules.Add(new Module(
                        $"torch.nn.Conv2d({convolution.InputChannels}, {convolution.FilterCount}, kernel_size={Size(convolution.KernelHeight, convolution.KernelWidth)}" +
                        (convolution.Stride != 1 ? $", stride={convolution.Stride}" : "") +
                        (convolution.Padding != 0 ? $", padding={convolution.Padding}" : "") + ")",
                        [Same(prefix + "weight", convolution.Weight.Value), Same(prefix + "bias", convolution.Bias.Value)]));
                    break;
                case Affine affine:
                    if (shape.Rank > 2)
                    {
                        modules.Add(new Module("torch.nn.Flatten()", []));
                        prefix = $"{modules.Count}.";
                    }

                    modules.Add(new Module(
                        $"torch.nn.Linear({affine.InputSize}, {affine.OutputSize})",
                        [new TensorBinding(prefix + "weight", [affine.OutputSize, affine.InputSize], affine.Weight.Value, Transposed: true),
                         Same(prefix + "bias", affine.Bias.Value)]));
                    break;
                case BatchNormalization normalization:
                    var state = normalization.State;
                    modules.Add(new Module(
                        $"torch.nn.BatchNorm{(shape.Rank == 4 ? 2 : 1)}d({normalization.FeatureCount}, eps={Number(normalization.Epsilon)}, momentum={TorchMomentum(normalization.Momentum)})",
                        [Same(prefix + "weight", normalization.Parameters[0].Value), Same(prefix + "bias", normalization.Parameters[1].Value),
                         Same(prefix + "running_mean", state[0].Value), Same(prefix + "running_var", state[1].Value)],
                        [prefix + "num_batches_tracked"]));
                    break;
                case Pooling pooling:
                    if (pooling.Padding != 0)
                    {
                        // A border of zeros taking part in the window: MaxPool2d's own padding is −∞, and AvgPool2d's is
                        // limited to half the window, so the border is a module of its own.
                        modules.Add(new Module($"torch.nn.ZeroPad2d({pooling.Padding})", []));
                    }

                    modules.Add(new Module(
                        $"torch.nn.{(pooling.Mode == PoolingMode.Max ? "MaxPool2d" : "AvgPool2d")}(kernel_size={Size(pooling.PoolHeight, pooling.PoolWidth)}, stride={pooling.Stride})", []));
                    break;
                case Dropout dropout:
                    modules.Add(new Module($"torch.nn.Dropout(p={Number(dropout.Rate)})", []));
                    break;
                case LeakyRelu leaky:
                    modules.Add(new Module($"torch.nn.LeakyReLU(negative_slope={Number(leaky.Slope)})", []));
                    break;
                case Relu:
                    modules.Add(new Module("torch.nn.ReLU()", []));
                    break;
                case Sigmoid:
                    modules.Add(new Module("torch.nn.Sigmoid()", []));
                    break;
                case Tanh:
                    modules.Add(new Module("torch.nn.Tanh()", []));
                    break;
                case Flatten:
                    modules.Add(new Module("torch.nn.Flatten()", []));
                    break;
                default:
                    throw new ArgumentException(
                        $"Layer '{layer.Name}' is a {layer.GetType().FullName}, which has no PyTorch counterpart here.", nameof(network));
            }

            shape = layer.GetOutputShape(shape);
        }

        return modules;

        static TensorBinding Same(string name, FloatTensor tensor) => new(name, tensor.Shape.ToArray(), tensor);
    }

    /// <summary>A hyper-parameter as Python writes it: the shortest decimal that reads back as the same float (0.9f → 0.9, 1e-5f → 1e-05).</summary>
    /// <summary>A kernel size as PyTorch writes it: one number when square, (height, width) otherwise.</summary>
    private static string Size(int height, int width) =>
        height == width ? height.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"({height}, {width})");

    private static string Number(float value) => value.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e');

    /// <summary>PyTorch's momentum, 1 − this library's, rounded to float precision in decimal (1 − 0.9f → 0.1).</summary>
    private static string TorchMomentum(float momentum) => Number((float)(1 - (decimal)momentum));

    /// <summary>One module of the Sequential: its Python source, its float tensors and the names of its int64 counters.</summary>
    private sealed record Module(string Source, IReadOnlyList<TensorBinding> Tensors, IReadOnlyList<string> Counters)
    {
        public Module(string source, IReadOnlyList<TensorBinding> tensors)
            : this(source, tensors, [])
        {
        }
    }
}
