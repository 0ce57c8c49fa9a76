using ConvNet.Core.Data;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Training;

/// <summary>Copies chosen items of a dataset into a batch buffer, so mini-batches need no allocation.</summary>
internal static class BatchGather
{
    /// <summary>Copies items <paramref name="indices"/> of <paramref name="source"/> into the first items of <paramref name="inputs"/> and <paramref name="labels"/>.</summary>
    public static void Gather(LabeledDataset source, ReadOnlySpan<int> indices, FloatTensor inputs, Span<int> labels)
    {
        int itemSize = source.Inputs.Shape.ItemSize;
        ReadOnlySpan<float> from = source.Inputs.ReadOnlySpan;
        Span<float> to = inputs.Span;
        ReadOnlySpan<int> sourceLabels = source.LabelSpan;
        for (int i = 0; i < indices.Length; i++)
        {
            from.Slice(indices[i] * itemSize, itemSize).CopyTo(to.Slice(i * itemSize, itemSize));
            labels[i] = sourceLabels[indices[i]];
        }
    }
}
