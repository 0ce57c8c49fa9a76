using System.Diagnostics;
using System.Numerics.Tensors;
using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Networks;

/// <summary>
/// A classifier that runs its layers one after another and scores the last output with a loss layer.
/// The whole shape chain is checked when it is built, so a bad architecture fails at construction, not mid-training.
/// </summary>
/// <remarks>
/// <see cref="Predict"/>, <see cref="Loss"/> and <see cref="Accuracy"/> run inference and touch no shared mutable state:
/// they are safe from many threads at once, even while nothing trains. Inference fuses what it can into one pass:
/// a <see cref="Convolution"/> with a following <see cref="Relu"/> and max <see cref="Pooling"/> (whose stride is its
/// size), an <see cref="Affine"/> with a following <see cref="Relu"/>; <see cref="Dropout"/> is left out, and every other
/// layer runs its own inference-mode Forward. The fused result equals the layers' bit for bit, except for batches of at
/// most four items, whose affine layers read the weights once per pair of items and can differ in the last bits.
/// <see cref="ComputeGradients"/>
/// uses the layers' training buffers: one training loop per network, and not concurrently with itself.
/// If the first layer is a <see cref="Convolution"/>, it is told not to compute the (unused) gradient of the data.
/// </remarks>
public sealed class Sequential : INetwork
{
    private readonly ILayer[] _layers;
    private readonly NamedParameter[] _parameters;
    private readonly InferencePlan _inference;
    private readonly TrainingPlan _training;

    /// <summary>Builds the network and checks that each layer accepts the previous layer's output.</summary>
    /// <param name="inputShape">The shape of one input item without the batch axis, rank 1 to 3 (for example [1, 28, 28]).</param>
    /// <param name="layers">The layers in forward order; names must be unique. The network uses (does not copy) them.</param>
    /// <param name="loss">The loss on the last layer's [batch, classes] output.</param>
    /// <exception cref="ArgumentException">No layers, a duplicate name, a layer that rejects its input shape, or a last
    /// output that is not [batch, classes].</exception>
    public Sequential(TensorShape inputShape, IEnumerable<ILayer> layers, ILossLayer loss)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(loss);
        if (inputShape.Rank is < 1 or > TensorShape.MaxRank - 1)
        {
            throw new ArgumentException(
                $"The input shape is one item without the batch axis, rank 1 to {TensorShape.MaxRank - 1}; got {inputShape}.", nameof(inputShape));
        }

        _layers = layers.ToArray();
        if (_layers.Length == 0)
        {
            throw new ArgumentException("A network needs at least one layer.", nameof(layers));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (ILayer layer in _layers)
        {
            ArgumentNullException.ThrowIfNull(layer, nameof(layers));
            if (!names.Add(layer.Name))
            {
                throw new ArgumentException($"Two layers are named '{layer.Name}'; layer names must be unique.", nameof(layers));
            }
        }

        TensorShape outputShape = CheckShapeChain(inputShape, _layers);
        InputShape = inputShape;
        ClassCount = outputShape[1];
        LossLayer = loss;
        _parameters = _layers
            .SelectMany(layer => layer.Parameters.Select(parameter => new NamedParameter($"{layer.Name}.{parameter.Name}", parameter)))
            .ToArray();
        if (_layers[0] is Convolution first)
        {
            first.ComputesInputGradient = false;
        }

        _inference = InferencePlan.Fused(_layers);
        _training = TrainingPlan.Fused(_layers);
    }

    /// <inheritdoc />
    public TensorShape InputShape { get; }

    /// <inheritdoc />
    public int ClassCount { get; }

    /// <inheritdoc />
    public IReadOnlyList<ILayer> Layers => _layers;

    /// <inheritdoc />
    public ILossLayer LossLayer { get; }

    /// <inheritdoc />
    public IReadOnlyList<NamedParameter> Parameters => _parameters;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The input is not shaped [batch, ..<see cref="InputShape"/>].</exception>
    public FloatTensor Predict(FloatTensor input)
    {
        CheckInput(input);
        return Infer(input);
    }

    /// <summary>
    /// Runs one training step exactly as <see cref="ComputeGradients"/> does (the same stages, results and gradients) and
    /// returns how long each stage took: a layer, or layers run as one fused kernel (named like <c>conv1+relu1+pool1</c>),
    /// then the loss. For benchmarks and tuning; unlike <see cref="ComputeGradients"/> it allocates the result.
    /// </summary>
    /// <exception cref="ArgumentException">The input shape is wrong, or the labels do not match the batch.</exception>
    public IReadOnlyList<StageTiming> ProfileGradients(FloatTensor input, ReadOnlySpan<int> labels)
    {
        CheckInput(input);
        IReadOnlyList<string> names = _training.StageNames;
        long[] forward = new long[names.Count + 1], backward = new long[names.Count + 1];
        FloatTensor scores = _training.Forward(input, forward.AsSpan(0, names.Count));
        long start = Stopwatch.GetTimestamp();
        LossLayer.Forward(scores, labels);
        forward[^1] = Stopwatch.GetTimestamp() - start;
        start = Stopwatch.GetTimestamp();
        FloatTensor gradient = LossLayer.Backward();
        backward[^1] = Stopwatch.GetTimestamp() - start;
        _training.Backward(gradient, backward.AsSpan(0, names.Count));
        return [.. names.Append("loss").Select((name, stage) => new StageTiming(name, Stopwatch.GetElapsedTime(0, forward[stage]), Stopwatch.GetElapsedTime(0, backward[stage])))];
    }

    /// <summary>
    /// Predicts exactly as <see cref="Predict"/> does and returns how long each stage took (its <see cref="StageTiming.Backward"/>
    /// is zero); see <see cref="ProfileGradients"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The input is not shaped [batch, ..<see cref="InputShape"/>].</exception>
    public IReadOnlyList<StageTiming> ProfilePredict(FloatTensor input)
    {
        CheckInput(input);
        IReadOnlyList<string> names = _inference.StageNames;
        long[] ticks = new long[names.Count];
        InferenceBuffers.Return(_inference.Run(input, ticks));
        return [.. names.Select((name, stage) => new StageTiming(name, Stopwatch.GetElapsedTime(0, ticks[stage]), TimeSpan.Zero))];
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The input shape is wrong, or the labels do not match the batch.</exception>
    public float Loss(FloatTensor input, ReadOnlySpan<int> labels) => (float)LossLayer.Evaluate(Predict(input), labels);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The input shape is wrong, or the labels do not match the batch.</exception>
    public float ComputeGradients(FloatTensor input, ReadOnlySpan<int> labels)
    {
        CheckInput(input);
        float loss = LossLayer.Forward(_training.Forward(input, []), labels);
        _training.Backward(LossLayer.Backward(), []);
        return loss;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The input shape is wrong, or the label count differs from the item count.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    public double Accuracy(FloatTensor input, ReadOnlySpan<int> labels, int batchSize = 100)
    {
        CheckInput(input);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        int count = input.Shape[0];
        if (labels.Length != count)
        {
            throw new ArgumentException($"Input {input.Shape} holds {count} items but there are {labels.Length} labels.", nameof(labels));
        }

        int correct = 0;
        for (int start = 0; start < count; start += batchSize)
        {
            int size = Math.Min(batchSize, count - start);
            FloatTensor scores = Infer(input.SliceBatch(start, size));
            for (int item = 0; item < size; item++)
            {
                if (TensorPrimitives.IndexOfMax(scores.ReadOnlySpan.Slice(item * ClassCount, ClassCount)) == labels[start + item])
                {
                    correct++;
                }
            }

            InferenceBuffers.Return(scores);
        }

        return (double)correct / count;
    }

    /// <summary>
    /// The one inference path behind <see cref="Predict"/>, <see cref="Loss"/> and <see cref="Accuracy"/>: the fused
    /// <see cref="InferencePlan"/> of the layers.
    /// </summary>
    /// <returns>Scores in storage the caller owns: never the input's storage, even when the last layers are views of it.</returns>
    private FloatTensor Infer(FloatTensor input) => _inference.Run(input);

    private void CheckInput(FloatTensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        TensorShape shape = input.Shape;
        bool matches = shape.Rank == InputShape.Rank + 1;
        for (int axis = 0; matches && axis < InputShape.Rank; axis++)
        {
            matches = shape[axis + 1] == InputShape[axis];
        }

        if (!matches)
        {
            throw new ArgumentException(
                $"The network expects input [batch, {string.Join(", ", InputShape.ToArray())}] (items shaped {InputShape}); got {shape}.",
                nameof(input));
        }
    }

    private static TensorShape CheckShapeChain(TensorShape inputShape, ILayer[] layers)
    {
        TensorShape shape = inputShape.AsItemOfBatch(1);
        foreach (ILayer layer in layers)
        {
            try
            {
                shape = layer.GetOutputShape(shape);
            }
            catch (ArgumentException exception)
            {
                throw new ArgumentException(
                    $"Layer '{layer.Name}' cannot take the output of the layers before it ({shape}): {exception.Message}", nameof(layers), exception);
            }
        }

        if (shape.Rank != 2)
        {
            throw new ArgumentException(
                $"The last layer must output [batch, classes] for the loss; '{layers[^1].Name}' outputs {shape}.", nameof(layers));
        }

        return shape;
    }
}
