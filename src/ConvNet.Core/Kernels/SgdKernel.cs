using System.Numerics.Tensors;

namespace ConvNet.Core.Kernels;

/// <summary>
/// The plain gradient step value += −learning rate · gradient, element by element, on all cores in shares of the
/// parameter (<see cref="EvenChunks"/>): each core updates the rows whose gradient it computed, where the layer's kernels
/// split by rows too (an affine layer's weights). The same bits as one call of
/// <see cref="TensorPrimitives.MultiplyAdd(ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/>.
/// </summary>
internal static unsafe class SgdKernel
{
    /// <summary>value[i] += −<paramref name="learningRate"/> · gradient[i].</summary>
    public static void Update(Span<float> value, ReadOnlySpan<float> gradient, float learningRate)
    {
        if (gradient.Length != value.Length)
        {
            throw new ArgumentException($"SGD operand lengths differ: value {value.Length}, gradient {gradient.Length}.");
        }

        fixed (float* valueData = value, gradientData = gradient)
        {
            var pass = new Pass { Value = valueData, Gradient = gradientData, Chunks = EvenChunks.Of(value.Length), Step = -learningRate };
            WorkerPool.RunInShares(&UpdateChunk, &pass, pass.Chunks.Count);
        }
    }

    private static void UpdateChunk(void* context, int chunk)
    {
        ref readonly Pass pass = ref *(Pass*)context;
        int start = pass.Chunks.Start(chunk);
        int length = pass.Chunks.Start(chunk + 1) - start;
        var value = new Span<float>(pass.Value + start, length);
        TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(pass.Gradient + start, length), pass.Step, value, value);
    }

    /// <summary>One call's arguments, passed to the workers by pointer.</summary>
    private struct Pass
    {
        public float* Value;
        public float* Gradient;
        public EvenChunks Chunks;
        public float Step;
    }
}
