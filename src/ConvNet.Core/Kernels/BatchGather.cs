namespace ConvNet.Core.Kernels;

/// <summary>
/// Copies chosen items of a dataset into a batch on all cores, in shares of the batch (<see cref="WorkerPool.RunInShares"/>):
/// each core writes the images its own share of the first layer then reads, so they are in its cache already.
/// </summary>
internal static unsafe class BatchGather
{
    /// <summary>target[i] = source[indices[i]] for each item of <paramref name="itemSize"/> floats; indices already checked.</summary>
    public static void Copy(ReadOnlySpan<float> source, int itemSize, ReadOnlySpan<int> indices, Span<float> target)
    {
        if ((long)indices.Length * itemSize > target.Length)
        {
            throw new ArgumentException($"The batch holds {target.Length} floats; {indices.Length} items of {itemSize} need more.", nameof(target));
        }

        fixed (float* sourceData = source, targetData = target)
        fixed (int* indexData = indices)
        {
            var pass = new Pass { Source = sourceData, SourceLength = source.Length, Target = targetData, Indices = indexData, ItemSize = itemSize };
            WorkerPool.RunInShares(&CopyItem, &pass, indices.Length);
        }
    }

    private static void CopyItem(void* context, int item)
    {
        ref readonly Pass pass = ref *(Pass*)context;
        long start = (long)pass.Indices[item] * pass.ItemSize;
        new ReadOnlySpan<float>(pass.Source, pass.SourceLength).Slice((int)start, pass.ItemSize)
            .CopyTo(new Span<float>(pass.Target + ((long)item * pass.ItemSize), pass.ItemSize));
    }

    /// <summary>One call's arguments, passed to the workers by pointer.</summary>
    private struct Pass
    {
        public float* Source;
        public int SourceLength;
        public float* Target;
        public int* Indices;
        public int ItemSize;
    }
}
