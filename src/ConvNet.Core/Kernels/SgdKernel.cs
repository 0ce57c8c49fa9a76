using System.Numerics.Tensors;

namespace ConvNet.Core.Kernels;

/// <summary>
/// The plain gradient step value += −learning rate · gradient, element by element, on all cores in shares of the
/// parameter (<see cref="WorkerPool.RunInShares"/>): each core updates the rows whose gradient it computed, where the
/// layer's kernels split by rows too (an affine layer's weights). The same bits as one call of
/// <see cref="TensorPrimitives.MultiplyAdd(ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/>.
/// </summary>
internal static unsafe class SgdKernel
{
    // Floats per unit of work, as in AdamKernel: large enough that the hand-off is noise.
    private const int ChunkLength = 1 << 14;

    /// <summary>value[i] += −<paramref name="learningRate"/> · gradient[i].</summary>
    public static void Update(Span<float> value, ReadOnlySpan<float> gradient, float learningRate)
    {
        if (gradient.Length != value.Length)
        {
            throw new ArgumentException($"SGD operand lengths differ: value {value.Length}, gradient {gradient.Length}.");
        }

        fixed (float* valueData = value, gradientData = gradient)
        {
            var pass = new Pass { Value = valueData, Gradient = gradientData, Length = value.Length, Step = -learningRate };
            WorkerPool.RunInShares(&UpdateChunk, &pass, (value.Length + ChunkLength - 1) / ChunkLength);
        }
    }

    private static void UpdateChunk(void* context, int chunk)
    {
        ref readonly Pass pass = ref *(Pass*)context;
        int start = chunk * ChunkLength;
        int length = Math.Min(ChunkLength, pass.Length - start);
        var value = new Span<float>(pass.Value + start, length);
        TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(pass.Gradient + start, length), pass.Step, value, value);
    }

    /// <summary>One call's arguments, passed to the workers by pointer.</summary>
    private struct Pass
    {
        public float* Value;
        public float* Gradient;
        public int Length;
        public float Step;
    }
}
