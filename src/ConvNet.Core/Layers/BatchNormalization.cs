using ConvNet.Core.Kernels;
using ConvNet.Core.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace ConvNet.Core.Layers;

/// <summary>
/// Batch normalization (Ioffe and Szegedy, 2015): normalizes each feature to zero mean and unit variance over the
/// batch, then scales by <c>gamma</c> and shifts by <c>beta</c>. For 4-D input [N, C, H, W] the statistics are per
/// channel over N·H·W values; for 2-D input [N, F] they are per feature over the N rows.
/// </summary>
/// <remarks>
/// Training-mode Forward uses the batch's own mean and (biased) variance and folds them into running estimates:
/// running = momentum · running + (1 − momentum) · batch. Inference-mode Forward uses the running estimates only, so
/// its output for an item does not depend on the rest of the batch, and it reads no mutable state but those
/// estimates. The running estimates are exposed through <see cref="IStatefulLayer.State"/> for checkpoints.
/// Training-mode calls reuse their buffers (see <see cref="ILayer"/>).
/// </remarks>
public sealed class BatchNormalization : IStatefulLayer
{
    private readonly Parameter _gamma;
    private readonly Parameter _beta;
    private readonly FloatTensor _runningMean;
    private readonly FloatTensor _runningVariance;
    private readonly float[] _inverseStd;
    private readonly float[] _batchMean;
    private readonly float[] _batchVariance;
    private FloatTensor? _normalized;
    private FloatTensor? _output;
    private FloatTensor? _inputGradient;
    private TensorShape? _lastOutputShape;

    /// <summary>Creates a batch normalization layer with gamma = 1, beta = 0, running mean 0 and running variance 1.</summary>
    /// <param name="name">The layer's name within its network.</param>
    /// <param name="featureCount">The number of channels (4-D input) or features (2-D input).</param>
    /// <param name="momentum">The weight of the old running estimate in each update, in [0, 1); 0.9 by default.</param>
    /// <param name="epsilon">Added to the variance before the square root, positive; 1e-5 by default.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count or coefficient is out of range.</exception>
    public BatchNormalization(string name, int featureCount, float momentum = 0.9f, float epsilon = 1e-5f)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        if (!(momentum >= 0f && momentum < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "The momentum must lie in [0, 1).");
        }

        if (!(epsilon > 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Epsilon must be positive.");
        }

        Name = name;
        FeatureCount = featureCount;
        Momentum = momentum;
        Epsilon = epsilon;
        var gamma = new FloatTensor(featureCount);
        gamma.Span.Fill(1f);
        _gamma = new Parameter("gamma", gamma);
        _beta = new Parameter("beta", new FloatTensor(featureCount));
        _runningMean = new FloatTensor(featureCount);
        _runningVariance = new FloatTensor(featureCount);
        _runningVariance.Span.Fill(1f);
        _inverseStd = new float[featureCount];
        _batchMean = new float[featureCount];
        _batchVariance = new float[featureCount];
        Parameters = [_gamma, _beta];
        State = [new StateTensor("running_mean", _runningMean), new StateTensor("running_variance", _runningVariance)];
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The number of channels or features normalized.</summary>
    public int FeatureCount { get; }

    /// <summary>The weight of the old running estimate in each update.</summary>
    public float Momentum { get; }

    /// <summary>The constant added to the variance before the square root.</summary>
    public float Epsilon { get; }

    /// <summary>gamma (scale) and beta (shift), each [<see cref="FeatureCount"/>].</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary><c>running_mean</c> and <c>running_variance</c>, each [<see cref="FeatureCount"/>].</summary>
    public IReadOnlyList<StateTensor> State { get; }

    /// <inheritdoc />
    public TensorShape GetOutputShape(TensorShape inputShape)
    {
        if (inputShape.Rank is not (2 or 4) || inputShape[1] != FeatureCount)
        {
            throw new ArgumentException(
                $"Layer '{Name}' expects [N, {FeatureCount}] or [N, {FeatureCount}, H, W]; got {inputShape}.", nameof(inputShape));
        }

        return inputShape;
    }

    /// <inheritdoc />
    public FloatTensor Forward(FloatTensor input, bool training)
    {
        ArgumentNullException.ThrowIfNull(input);
        TensorShape shape = GetOutputShape(input.Shape);
        return training ? ForwardTraining(input, shape) : ForwardInference(input, shape);
    }

    /// <inheritdoc />
    public FloatTensor Backward(FloatTensor outputGradient)
    {
        LayerGuard.CheckOutputGradient(Name, _lastOutputShape, outputGradient);
        TensorShape shape = outputGradient.Shape;
        FloatTensor inputGradient = LayerGuard.Reuse(ref _inputGradient, shape);
        BatchNormalizationKernels.Backward(
            outputGradient.ReadOnlySpan, _normalized!.ReadOnlySpan, _gamma.Value.ReadOnlySpan, _inverseStd, inputGradient.Span,
            _gamma.Gradient.Span, _beta.Gradient.Span, shape.BatchSize, shape.ItemSize / FeatureCount);
        return inputGradient;
    }

    private FloatTensor ForwardTraining(FloatTensor input, TensorShape shape)
    {
        FloatTensor normalized = LayerGuard.Reuse(ref _normalized, shape);
        FloatTensor output = LayerGuard.Reuse(ref _output, shape);
        BatchNormalizationKernels.ForwardTraining(
            input.ReadOnlySpan, normalized.Span, output.Span, _gamma.Value.ReadOnlySpan, _beta.Value.ReadOnlySpan,
            _batchMean, _batchVariance, _inverseStd, Epsilon, shape.BatchSize, shape.ItemSize / FeatureCount);
        Span<float> runningMean = _runningMean.Span;
        Span<float> runningVariance = _runningVariance.Span;
        for (int feature = 0; feature < FeatureCount; feature++)
        {
            runningMean[feature] = (Momentum * runningMean[feature]) + ((1f - Momentum) * _batchMean[feature]);
            runningVariance[feature] = (Momentum * runningVariance[feature]) + ((1f - Momentum) * _batchVariance[feature]);
        }

        _lastOutputShape = shape;
        return output;
    }

    private FloatTensor ForwardInference(FloatTensor input, TensorShape shape)
    {
        int batchSize = shape.BatchSize;
        int planeSize = shape.ItemSize / FeatureCount;
        FloatTensor output = InferenceBuffers.Rent(shape);
        ReadOnlySpan<float> x = input.ReadOnlySpan;
        Span<float> y = output.Span;
        ReadOnlySpan<float> gamma = _gamma.Value.ReadOnlySpan;
        ReadOnlySpan<float> beta = _beta.Value.ReadOnlySpan;
        ReadOnlySpan<float> runningMean = _runningMean.ReadOnlySpan;
        ReadOnlySpan<float> runningVariance = _runningVariance.ReadOnlySpan;
        for (int feature = 0; feature < FeatureCount; feature++)
        {
            // y = gamma · (x − mean) / std + beta, folded into one scale and one shift.
            float scale = gamma[feature] / MathF.Sqrt(runningVariance[feature] + Epsilon);
            float shift = beta[feature] - (runningMean[feature] * scale);
            ScaleAndShift(x, scale, shift, y, feature, batchSize, planeSize);
        }

        return output;
    }

    /// <summary>destination = source · scale + shift on every plane of one feature (source may be destination).</summary>
    private void ScaleAndShift(ReadOnlySpan<float> source, float scale, float shift, Span<float> destination, int feature, int batchSize, int planeSize)
    {
        for (int item = 0; item < batchSize; item++)
        {
            int start = Offset(item, feature, planeSize);
            Span<float> destinationPlane = destination.Slice(start, planeSize);
            TensorPrimitives.Multiply(source.Slice(start, planeSize), scale, destinationPlane);
            TensorPrimitives.Add(destinationPlane, shift, destinationPlane);
        }
    }

    private int Offset(int item, int feature, int planeSize) => ((item * FeatureCount) + feature) * planeSize;
}
