using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace ConvNet.Core.Layers;

/// <summary>
/// The leaky rectifier y = x for x &gt; 0 and y = slope · x otherwise, element-wise, on input of any shape.
/// </summary>
/// <remarks>
/// The slope lies in [0, 1), so y = max(x, slope · x) and the sign of y tells which branch x took; Backward
/// therefore needs only the output. At x = 0 the derivative is taken as <see cref="Slope"/>.
/// </remarks>
public sealed class LeakyRelu : ElementwiseActivation
{
    /// <summary>Creates a leaky ReLU layer.</summary>
    /// <param name="name">The layer's name within its network.</param>
    /// <param name="slope">The slope for negative input, in [0, 1); 0.01 by default.</param>
    /// <exception cref="ArgumentOutOfRangeException">The slope is not in [0, 1).</exception>
    public LeakyRelu(string name, float slope = 0.01f)
        : base(name)
    {
        if (!(slope >= 0f && slope < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(slope), slope, "The slope of a leaky ReLU must lie in [0, 1).");
        }

        Slope = slope;
    }

    /// <summary>The slope for negative input.</summary>
    public float Slope { get; }

    private protected override void Activate(ReadOnlySpan<float> input, Span<float> output)
    {
        TensorPrimitives.Multiply(input, Slope, output);
        TensorPrimitives.Max(input, output, output);
    }

    private protected override void Differentiate(ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        for (int i = 0; i < output.Length; i++)
        {
            inputGradient[i] = output[i] > 0f ? outputGradient[i] : Slope * outputGradient[i];
        }
    }
}
