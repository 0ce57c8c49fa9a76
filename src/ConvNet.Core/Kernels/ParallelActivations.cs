using System.Numerics.Tensors;

namespace ConvNet.Core.Kernels;

/// <summary>
/// ReLU forward and backward over large tensors, split into chunks run on every core (a convolution's output
/// at batch 100 is millions of floats, too much memory traffic for one core). Small tensors run inline.
/// </summary>
internal static unsafe class ParallelActivations
{
    // Floats per unit of work: large enough that the hand-off is noise, small enough to balance the cores.
    private const int ChunkLength = 1 << 15;

    /// <summary>output = max(input, 0).</summary>
    public static void ReluForward(ReadOnlySpan<float> input, Span<float> output)
    {
        CheckLengths(input.Length, output.Length, output.Length);
        fixed (float* inputData = input, outputData = output)
        {
            var pass = new Pass { Length = input.Length, First = inputData, Result = outputData };
            WorkerPool.RunInShares(&ReluForwardChunk, &pass, CeilDiv(input.Length, ChunkLength));
        }
    }

    /// <summary>Same contract as <see cref="Activations.ReluBackward"/>.</summary>
    public static void ReluBackward(ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        CheckLengths(output.Length, outputGradient.Length, inputGradient.Length);
        fixed (float* outputData = output, gradientData = outputGradient, inputGradientData = inputGradient)
        {
            var pass = new Pass { Length = output.Length, First = outputData, Second = gradientData, Result = inputGradientData };
            WorkerPool.RunInShares(&ReluBackwardChunk, &pass, CeilDiv(output.Length, ChunkLength));
        }
    }

    private static void ReluForwardChunk(void* context, int chunk)
    {
        ref readonly Pass pass = ref *(Pass*)context;
        (int start, int length) = pass.Chunk(chunk);
        TensorPrimitives.Max(new ReadOnlySpan<float>(pass.First + start, length), 0f, new Span<float>(pass.Result + start, length));
    }

    private static void ReluBackwardChunk(void* context, int chunk)
    {
        ref readonly Pass pass = ref *(Pass*)context;
        (int start, int length) = pass.Chunk(chunk);
        Activations.ReluBackward(
            new ReadOnlySpan<float>(pass.First + start, length), new ReadOnlySpan<float>(pass.Second + start, length), new Span<float>(pass.Result + start, length));
    }

    private static int CeilDiv(int value, int divisor) => (value + divisor - 1) / divisor;

    private static void CheckLengths(int firstLength, int secondLength, int resultLength)
    {
        if (secondLength != firstLength || resultLength != firstLength)
        {
            throw new ArgumentException($"ReLU operand lengths differ: {firstLength}, {secondLength} and {resultLength}.");
        }
    }

    /// <summary>One call's arguments, passed to the workers by pointer.</summary>
    private struct Pass
    {
        public int Length;
        public float* First;
        public float* Second;
        public float* Result;

        public readonly (int Start, int Length) Chunk(int chunk)
        {
            int start = chunk * ChunkLength;
            return (start, Math.Min(ChunkLength, Length - start));
        }
    }
}
