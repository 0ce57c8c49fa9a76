using ConvNet.Core.Kernels;
using ConvNet.Core.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace ConvNet.Core.Layers;

/// <summary>
/// Softmax followed by the mean cross-entropy over the batch: scores [batch, classes] → a scalar. Backward gives
/// (softmax − target) / batch. Stable for any finite scores: rows are shifted by their maximum and the loss is
/// computed as log-sum-exp minus the target score (no <c>log(p + 1e-7)</c> as in the seed), accumulated in double.
/// </summary>
/// <remarks>
/// Targets are either class indices (<see cref="Forward(FloatTensor, ReadOnlySpan{int})"/>) or rows of a distribution such
/// as one-hot vectors (<see cref="Forward(FloatTensor, FloatTensor)"/>); the overload says which, never the sizes.
/// Forward keeps the probabilities and targets for Backward in buffers reused while the batch shape stays the same.
/// With <see cref="LabelSmoothing"/> ε above 0, a class-index label y stands for the target distribution
/// (1 − ε)·one-hot(y) + ε/classes (as PyTorch's <c>CrossEntropyLoss(label_smoothing=ε)</c>); distribution targets are
/// used as given.
/// </remarks>
public sealed class SoftmaxWithLoss : ILossLayer
{
    private FloatTensor? _probabilities;
    private FloatTensor? _scoresGradient;
    private FloatTensor? _targets;
    private int[]? _labels;
    private bool _lastForwardUsedLabels;

    /// <summary>The plain cross-entropy of the seed (no label smoothing).</summary>
    public SoftmaxWithLoss()
    {
    }

    /// <summary>Cross-entropy against class-index labels smoothed by <paramref name="labelSmoothing"/>.</summary>
    /// <param name="labelSmoothing">ε in [0, 1): the probability mass spread evenly over all classes; 0 for the plain loss.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="labelSmoothing"/> is outside [0, 1).</exception>
    public SoftmaxWithLoss(float labelSmoothing)
    {
        if (!(labelSmoothing >= 0f && labelSmoothing < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "The label smoothing must lie in [0, 1).");
        }

        LabelSmoothing = labelSmoothing;
    }

    /// <summary>The label smoothing ε applied to class-index labels; 0 for the plain cross-entropy.</summary>
    public float LabelSmoothing { get; }

    /// <summary>The softmax probabilities of the last Forward, [batch, classes]; null before the first Forward.
    /// Valid until the next Forward.</summary>
    public FloatTensor? Probabilities => _probabilities;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The scores are not rank 2, the label count differs from the batch size, or a label is outside [0, classes).</exception>
    public float Forward(FloatTensor scores, ReadOnlySpan<int> labels)
    {
        ValidateLabels(scores, labels, nameof(labels));
        FloatTensor probabilities = LayerGuard.Reuse(ref _probabilities, scores.Shape);
        labels.CopyTo(LayerGuard.Reuse(ref _labels, labels.Length));
        _lastForwardUsedLabels = true;
        double loss = Softmax.ForwardWithLabels(scores.ReadOnlySpan, probabilities.Span, labels, scores.Shape[1]);
        return (float)(loss + SmoothingTerm(scores, labels));
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The scores are not rank 2 or the targets' shape differs from the scores'.</exception>
    public float Forward(FloatTensor scores, FloatTensor targets)
    {
        ValidateScores(scores);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Shape != scores.Shape)
        {
            throw new ArgumentException(
                $"Targets must be shaped like the scores {scores.Shape}; got {targets.Shape}. For class indices use the labels overload.",
                nameof(targets));
        }

        FloatTensor probabilities = LayerGuard.Reuse(ref _probabilities, scores.Shape);
        FloatTensor kept = LayerGuard.Reuse(ref _targets, targets.Shape);
        targets.ReadOnlySpan.CopyTo(kept.Span);
        _lastForwardUsedLabels = false;
        return (float)Softmax.ForwardWithTargets(scores.ReadOnlySpan, probabilities.Span, kept.ReadOnlySpan, scores.Shape[0], scores.Shape[1]);
    }

    /// <inheritdoc />
    public FloatTensor Backward()
    {
        if (_probabilities is null)
        {
            throw new InvalidOperationException("SoftmaxWithLoss: Backward was called before Forward.");
        }

        int batchSize = _probabilities.Shape[0];
        int classes = _probabilities.Shape[1];
        FloatTensor gradient = LayerGuard.Reuse(ref _scoresGradient, _probabilities.Shape);
        Span<float> values = gradient.Span;
        if (_lastForwardUsedLabels)
        {
            _probabilities.ReadOnlySpan.CopyTo(values);
            ReadOnlySpan<int> labels = _labels;
            for (int item = 0; item < batchSize; item++)
            {
                values[(item * classes) + labels[item]] -= 1f - LabelSmoothing;
            }

            if (LabelSmoothing > 0f)
            {
                TensorPrimitives.Subtract(values, LabelSmoothing / classes, values);
            }
        }
        else
        {
            TensorPrimitives.Subtract(_probabilities.ReadOnlySpan, _targets!.ReadOnlySpan, values);
        }

        TensorPrimitives.Multiply(values, 1f / batchSize, values);
        return gradient;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The scores are not rank 2, the label count differs from the batch size, or a label is outside [0, classes).</exception>
    public double Evaluate(FloatTensor scores, ReadOnlySpan<int> labels)
    {
        ValidateLabels(scores, labels, nameof(labels));
        return Softmax.CrossEntropy(scores.ReadOnlySpan, labels, scores.Shape[1]) + SmoothingTerm(scores, labels);
    }

    /// <summary>What smoothing adds to the mean cross-entropy: ε · mean(score[label] − mean score); 0 without smoothing.</summary>
    private double SmoothingTerm(FloatTensor scores, ReadOnlySpan<int> labels) =>
        LabelSmoothing > 0f ? LabelSmoothing * Softmax.MeanLabelMargin(scores.ReadOnlySpan, labels, scores.Shape[1]) : 0;

    private static void ValidateLabels(FloatTensor scores, ReadOnlySpan<int> labels, string argumentName)
    {
        ValidateScores(scores);
        int classes = scores.Shape[1];
        if (labels.Length != scores.Shape[0])
        {
            throw new ArgumentException(
                $"There are {labels.Length} labels for scores {scores.Shape}; give one class index per batch item ({scores.Shape[0]}).", argumentName);
        }

        for (int item = 0; item < labels.Length; item++)
        {
            if ((uint)labels[item] >= (uint)classes)
            {
                throw new ArgumentException($"Label {item} is {labels[item]}; class indices must be in [0, {classes}) for scores {scores.Shape}.", argumentName);
            }
        }
    }

    private static void ValidateScores(FloatTensor scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Shape.Rank != 2)
        {
            throw new ArgumentException($"Scores must be [batch, classes]; got {scores.Shape}.", nameof(scores));
        }
    }
}
