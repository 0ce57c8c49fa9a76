using System.Numerics;

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
            for (; i <= output.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var active = Vector.GreaterThan(new Vector<float>(output[i..]), Vector<float>.Zero);
                Vector.ConditionalSelect(active, new Vector<float>(outputGradient[i..]), Vector<float>.Zero).CopyTo(inputGradient[i..]);
            }
        }

        for (; i < output.Length; i++)
        {
            inputGradient[i] = output[i] > 0f ? outputGradient[i] : 0f;
        }
    }
}
