using System.Numerics;
using System.Runtime.InteropServices;

namespace ConvNet.Core.Kernels;

/// <summary>Element-wise activation derivatives that <c>TensorPrimitives</c> has no single call for.</summary>
internal static class Activations
{
    /// <summary>inputGradient = outputGradient where output &gt; 0, else 0 (the seed's mask <c>x &lt;= 0</c>).</summary>
    /// <remarks>ReLU's output is positive exactly where its input was, so the output serves as the mask.</remarks>
    public static void ReluBackward(ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        if (outputGradient.Length != output.Length || inputGradient.Length != output.Length)
        {
            throw new ArgumentException(
                $"ReLU backward lengths differ: output {output.Length}, output gradient {outputGradient.Length}, input gradient {inputGradient.Length}.");
        }

        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // Unchecked loads and stores (the lengths were checked above): slicing a span per vector costs as much as the work.
            ref float outputStart = ref MemoryMarshal.GetReference(output);
            ref float gradientStart = ref MemoryMarshal.GetReference(outputGradient);
            ref float resultStart = ref MemoryMarshal.GetReference(inputGradient);
            for (; i <= output.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var active = Vector.GreaterThan(Vector.LoadUnsafe(ref outputStart, (nuint)i), Vector<float>.Zero);
                Vector.ConditionalSelect(active, Vector.LoadUnsafe(ref gradientStart, (nuint)i), Vector<float>.Zero).StoreUnsafe(ref resultStart, (nuint)i);
            }
        }

        for (; i < output.Length; i++)
        {
            inputGradient[i] = output[i] > 0f ? outputGradient[i] : 0f;
        }
    }
}
