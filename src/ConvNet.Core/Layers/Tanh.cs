using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace ConvNet.Core.Layers;

/// <summary>The hyperbolic tangent, element-wise, on input of any shape.</summary>
public sealed class Tanh : ElementwiseActivation
{
    /// <summary>Creates a tanh layer.</summary>
    /// <param name="name">The layer's name within its network.</param>
    public Tanh(string name)
        : base(name)
    {
    }

    private protected override void Activate(ReadOnlySpan<float> input, Span<float> output) => TensorPrimitives.Tanh(input, output);

    // dy/dx = 1 − y².
    private protected override void Differentiate(ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        TensorPrimitives.Multiply(output, output, inputGradient);
        TensorPrimitives.Subtract(1f, inputGradient, inputGradient);
        TensorPrimitives.Multiply(inputGradient, outputGradient, inputGradient);
    }
}
