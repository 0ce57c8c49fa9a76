using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace ConvNet.Core.Layers;

/// <summary>The logistic function y = 1 / (1 + e^−x), element-wise, on input of any shape.</summary>
public sealed class Sigmoid : ElementwiseActivation
{
    /// <summary>Creates a sigmoid layer.</summary>
    /// <param name="name">The layer's name within its network.</param>
    public Sigmoid(string name)
        : base(name)
    {
    }

    private protected override void Activate(ReadOnlySpan<float> input, Span<float> output) => TensorPrimitives.Sigmoid(input, output);

    // dy/dx = y (1 − y).
    private protected override void Differentiate(ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        TensorPrimitives.Subtract(1f, output, inputGradient);
        TensorPrimitives.Multiply(inputGradient, output, inputGradient);
        TensorPrimitives.Multiply(inputGradient, outputGradient, inputGradient);
    }
}
