using ConvNet.Core.Kernels;

namespace ConvNet.Core.Layers;

/// <summary>The rectified linear unit max(x, 0), element-wise; any input shape, output shaped like the input.</summary>
/// <remarks>Backward passes the gradient where the output is positive, which is exactly where the input was (the seed's
/// mask <c>x &lt;= 0</c>), so it needs only the output. Training-mode calls reuse their buffers while the input shape
/// stays the same; inference-mode Forward returns a new output tensor (see <see cref="InferenceBuffers"/>).</remarks>
public sealed class Relu : ElementwiseActivation
{
    /// <summary>Creates a ReLU layer.</summary>
    /// <param name="name">The layer's name, such as <c>relu1</c>.</param>
    public Relu(string name)
        : base(name)
    {
    }

    private protected override void Activate(ReadOnlySpan<float> input, Span<float> output) => ParallelActivations.ReluForward(input, output);

    private protected override void Differentiate(ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient) =>
        ParallelActivations.ReluBackward(output, outputGradient, inputGradient);
}
