using ConvNet.Core.Kernels;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Data;

/// <summary>
/// Images (or any input items) paired with class-index labels: item <c>i</c> of <see cref="Inputs"/> has label
/// <c>Labels[i]</c>. The training and evaluation APIs take this type.
/// </summary>
public sealed class LabeledDataset
{
    private readonly int[] _labels;

    /// <summary>Pairs <paramref name="inputs"/> with <paramref name="labels"/>.</summary>
    /// <param name="inputs">The items, batch axis first (for images [count, channels, height, width]).</param>
    /// <param name="labels">One class index per item.</param>
    /// <exception cref="ArgumentException">The counts differ or a label is negative.</exception>
    public LabeledDataset(FloatTensor inputs, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (inputs.Shape[0] != labels.Length)
        {
            throw new ArgumentException(
                $"Inputs {inputs.Shape} hold {inputs.Shape[0]} items but there are {labels.Length} labels.", nameof(labels));
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0)
            {
                throw new ArgumentException($"Label {i} is {labels[i]}; labels are class indices, 0 or more.", nameof(labels));
            }
        }

        Inputs = inputs;
        _labels = labels;
    }

    /// <summary>The items, batch axis first.</summary>
    public FloatTensor Inputs { get; }

    /// <summary>The class index of each item.</summary>
    public IReadOnlyList<int> Labels => _labels;

    /// <summary>The number of items.</summary>
    public int Count => _labels.Length;

    /// <summary>The labels as a span (no copy).</summary>
    public ReadOnlySpan<int> LabelSpan => _labels;

    /// <summary>A view of the first <paramref name="count"/> items (the seed trains on the first 5,000).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not in [1, <see cref="Count"/>].</exception>
    public LabeledDataset Take(int count)
    {
        if (count < 1 || count > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Take needs 1 to {Count} items.");
        }

        return count == Count ? this : new LabeledDataset(Inputs.SliceBatch(0, count), _labels[..count]);
    }

    /// <summary>
    /// Copies items <paramref name="indices"/> into the first items of <paramref name="inputs"/> and
    /// <paramref name="labels"/>, so a training loop fills its mini-batch buffers without allocating.
    /// </summary>
    /// <param name="indices">The items to copy, each in [0, <see cref="Count"/>).</param>
    /// <param name="inputs">The batch buffer: [batch, …item shape] with batch ≥ the number of indices.</param>
    /// <param name="labels">The label buffer, at least as long as <paramref name="indices"/>.</param>
    /// <exception cref="ArgumentException">The buffers are too small or <paramref name="inputs"/> has another item shape.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, <see cref="Count"/>).</exception>
    public void Gather(ReadOnlySpan<int> indices, FloatTensor inputs, Span<int> labels)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        int itemSize = Inputs.Shape.ItemSize;
        if (inputs.Shape.ItemSize != itemSize || inputs.Shape.BatchSize < indices.Length)
        {
            throw new ArgumentException(
                $"The batch buffer {inputs.Shape} cannot hold {indices.Length} items of {Inputs.Shape.WithBatchSize(1)}.", nameof(inputs));
        }

        if (labels.Length < indices.Length)
        {
            throw new ArgumentException($"The label buffer holds {labels.Length} labels; {indices.Length} are needed.", nameof(labels));
        }

        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i], $"Item index {i} is {indices[i]}; the dataset holds items 0 to {Count - 1}.");
            }

            labels[i] = _labels[indices[i]];
        }

        BatchGather.Copy(Inputs.ReadOnlySpan, itemSize, indices, inputs.Span);
    }
}
