using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Networks;

/// <summary>
/// Composes a <see cref="Sequential"/> network fluently: each method appends a layer sized from the previous layer's
/// output and named automatically by kind and position (conv1, relu1, pool1, affine1, relu2, …), and
/// <see cref="Build(ILossLayer, int, WeightInitScheme)"/> initializes every weight from one seed.
/// </summary>
/// <example>
/// The seed's SimpleConvNet:
/// <code>
/// var network = new SequentialBuilder(new TensorShape(1, 28, 28))
///     .Convolution(30, kernelSize: 5).Relu().MaxPool(2)
///     .Affine(100).Relu().Affine(10)
///     .Build(new SoftmaxWithLoss(), seed: 42, WeightInitialization.SeedStandardDeviation);
/// </code>
/// </example>
/// <remarks>
/// Each call checks the new layer against the current output shape and throws <see cref="ArgumentException"/> at once
/// if it does not fit. Every Build creates new layers (so one builder can make several independent networks), except
/// the instances given to <see cref="Add"/>, which are used as they are.
/// </remarks>
public sealed class SequentialBuilder
{
    private readonly List<Func<Random, WeightFill, ILayer>> _factories = [];
    private readonly Dictionary<string, int> _countsByKind = new(StringComparer.Ordinal);
    private TensorShape _batchShape;

    /// <summary>Starts a network for items of <paramref name="inputShape"/>.</summary>
    /// <param name="inputShape">One item without the batch axis, rank 1 to 3, such as [1, 28, 28].</param>
    /// <exception cref="ArgumentException">The rank is not 1 to 3.</exception>
    public SequentialBuilder(TensorShape inputShape)
    {
        if (inputShape.Rank is < 1 or > TensorShape.MaxRank - 1)
        {
            throw new ArgumentException(
                $"The input shape is one item without the batch axis, rank 1 to {TensorShape.MaxRank - 1}; got {inputShape}.", nameof(inputShape));
        }

        InputShape = inputShape;
        _batchShape = inputShape.AsItemOfBatch(1);
    }

    private delegate void WeightFill(FloatTensor weight, Random random);

    /// <summary>The shape of one input item.</summary>
    public TensorShape InputShape { get; }

    /// <summary>The output shape of the layers so far, for a batch of one.</summary>
    public TensorShape OutputShape => _batchShape;

    /// <summary>Appends a <see cref="Layers.Convolution"/> with square filters over the current channels, named conv1, conv2, ….</summary>
    public SequentialBuilder Convolution(int filterCount, int kernelSize, int stride = 1, int padding = 0) =>
        Convolution(filterCount, (kernelSize, kernelSize), stride, padding);

    /// <summary>Appends a <see cref="Layers.Convolution"/> with kernelSize.Height × kernelSize.Width filters over the current channels, named conv1, conv2, ….</summary>
    public SequentialBuilder Convolution(int filterCount, (int Height, int Width) kernelSize, int stride = 1, int padding = 0)
    {
        int channels = RequireImages("convolution");
        return Append("conv", (name, random, fill) =>
        {
            var layer = new Layers.Convolution(name, channels, filterCount, kernelSize, stride, padding);
            fill(layer.Weight.Value, random);
            return layer;
        });
    }

    /// <summary>
    /// Appends a max <see cref="Pooling"/> layer with square windows, named pool1, pool2, …; the stride defaults to the pool
    /// size, and a padding adds zeros that take part in the max (the seed's semantics, see <see cref="Pooling"/>).
    /// </summary>
    public SequentialBuilder MaxPool(int poolSize, int? stride = null, int padding = 0) =>
        MaxPool((poolSize, poolSize), stride ?? poolSize, padding);

    /// <summary>Appends a max <see cref="Pooling"/> layer with poolSize.Height × poolSize.Width windows, named pool1, pool2, ….</summary>
    public SequentialBuilder MaxPool((int Height, int Width) poolSize, int stride, int padding = 0) =>
        Append("pool", (name, _, _) => new Pooling(name, poolSize, stride, PoolingMode.Max, padding));

    /// <summary>
    /// Appends an average <see cref="Pooling"/> layer with square windows, named pool1, pool2, …; the stride defaults to the
    /// pool size, and a padding adds zeros that count in the average (the seed's semantics, see <see cref="Pooling"/>).
    /// </summary>
    public SequentialBuilder AveragePool(int poolSize, int? stride = null, int padding = 0) =>
        AveragePool((poolSize, poolSize), stride ?? poolSize, padding);

    /// <summary>Appends an average <see cref="Pooling"/> layer with poolSize.Height × poolSize.Width windows, named pool1, pool2, ….</summary>
    public SequentialBuilder AveragePool((int Height, int Width) poolSize, int stride, int padding = 0) =>
        Append("pool", (name, _, _) => new Pooling(name, poolSize, stride, PoolingMode.Average, padding));

    /// <summary>Appends an <see cref="Layers.Affine"/> layer over everything per item (it flattens images), named affine1, ….</summary>
    public SequentialBuilder Affine(int outputSize)
    {
        int inputSize = _batchShape.ItemSize;
        return Append("affine", (name, random, fill) =>
        {
            var layer = new Layers.Affine(name, inputSize, outputSize);
            fill(layer.Weight.Value, random);
            return layer;
        });
    }

    /// <summary>Appends a <see cref="Layers.BatchNormalization"/> over the current channels (images) or features (rows), named bn1, ….</summary>
    public SequentialBuilder BatchNormalization(float momentum = 0.9f, float epsilon = 1e-5f)
    {
        if (_batchShape.Rank == 3)
        {
            throw new ArgumentException($"Batch normalization takes images [N, C, H, W] or rows [N, F]; the current output is {_batchShape}.");
        }

        int features = _batchShape[1];
        return Append("bn", (name, _, _) => new Layers.BatchNormalization(name, features, momentum, epsilon));
    }

    /// <summary>Appends a <see cref="Layers.Dropout"/> layer, named dropout1, …, its mask seed drawn from the build seed.</summary>
    public SequentialBuilder Dropout(float rate) => Append("dropout", (name, random, _) => new Layers.Dropout(name, rate, random.Next()));

    /// <summary>Appends a <see cref="Layers.Relu"/>, named relu1, ….</summary>
    public SequentialBuilder Relu() => Append("relu", (name, _, _) => new Layers.Relu(name));

    /// <summary>Appends a <see cref="Layers.LeakyRelu"/>, named leakyrelu1, ….</summary>
    public SequentialBuilder LeakyRelu(float slope = 0.01f) => Append("leakyrelu", (name, _, _) => new Layers.LeakyRelu(name, slope));

    /// <summary>Appends a <see cref="Layers.Sigmoid"/>, named sigmoid1, ….</summary>
    public SequentialBuilder Sigmoid() => Append("sigmoid", (name, _, _) => new Layers.Sigmoid(name));

    /// <summary>Appends a <see cref="Layers.Tanh"/>, named tanh1, ….</summary>
    public SequentialBuilder Tanh() => Append("tanh", (name, _, _) => new Layers.Tanh(name));

    /// <summary>Appends a <see cref="Layers.Flatten"/>, named flatten1, ….</summary>
    public SequentialBuilder Flatten() => Append("flatten", (name, _, _) => new Layers.Flatten(name));

    /// <summary>Appends a layer of your own, used as it is (not re-created or initialized by Build); its name must be unique.</summary>
    /// <exception cref="ArgumentException">The layer cannot take the current output shape.</exception>
    public SequentialBuilder Add(ILayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        AdvanceShape(layer);
        _factories.Add((_, _) => layer);
        return this;
    }

    /// <summary>Builds the network, drawing each weight by a fan-based scheme (He normal by default); biases start at 0.</summary>
    /// <param name="loss">The loss on the last layer's output.</param>
    /// <param name="seed">Seeds every weight draw and dropout mask, in layer order: the same stack and seed give the same network.</param>
    /// <param name="scheme">How to initialize weights.</param>
    public Sequential Build(ILossLayer loss, int seed, WeightInitScheme scheme = WeightInitScheme.HeNormal) =>
        Build(loss, seed, (weight, random) => WeightInitialization.Initialize(weight, scheme, random));

    /// <summary>Builds the network, drawing each weight from N(0, standardDeviation²) like the seed; biases start at 0.</summary>
    /// <param name="loss">The loss on the last layer's output.</param>
    /// <param name="seed">Seeds every weight draw and dropout mask, in layer order.</param>
    /// <param name="standardDeviation">The spread of the weights, such as <see cref="WeightInitialization.SeedStandardDeviation"/>.</param>
    public Sequential Build(ILossLayer loss, int seed, float standardDeviation) =>
        Build(loss, seed, (weight, random) => WeightInitialization.Normal(weight, standardDeviation, random));

    private Sequential Build(ILossLayer loss, int seed, WeightFill fill)
    {
        ArgumentNullException.ThrowIfNull(loss);
        var random = new Random(seed);
        return new Sequential(InputShape, _factories.Select(create => create(random, fill)).ToList(), loss);
    }

    private SequentialBuilder Append(string kind, Func<string, Random, WeightFill, ILayer> create)
    {
        int index = _countsByKind.GetValueOrDefault(kind) + 1;
        string name = $"{kind}{index}";

        // A throwaway instance checks the layer against the current shape now, not at Build.
        AdvanceShape(create(name, new Random(0), static (_, _) => { }));
        _countsByKind[kind] = index;
        _factories.Add((random, fill) => create(name, random, fill));
        return this;
    }

    private void AdvanceShape(ILayer layer)
    {
        try
        {
            _batchShape = layer.GetOutputShape(_batchShape);
        }
        catch (ArgumentException exception)
        {
            throw new ArgumentException($"Layer '{layer.Name}' cannot follow an output of {_batchShape}: {exception.Message}", exception);
        }
    }

    private int RequireImages(string kind)
    {
        if (_batchShape.Rank != 4)
        {
            throw new ArgumentException($"A {kind} layer needs images [N, C, H, W]; the current output is {_batchShape}.");
        }

        return _batchShape[1];
    }
}
