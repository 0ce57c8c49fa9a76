using ConvNet.Core.Tensors;

namespace ConvNet.Core.Layers;

/// <summary>
/// One differentiable step of a network: Forward maps an input batch to an output batch, Backward maps the
/// gradient of the loss with respect to the output back to the gradient with respect to the input, and
/// fills the gradients of the layer's own <see cref="Parameters"/>.
/// </summary>
/// <remarks>
/// Contracts every layer keeps (and the tests enforce):
/// <list type="bullet">
/// <item>Forward never mutates its input; Backward never mutates its argument.</item>
/// <item>Backward overwrites the parameter gradients (it does not accumulate).</item>
/// <item>Backward before a training-mode Forward, or with a gradient whose shape differs from the last
/// output's, throws <see cref="InvalidOperationException"/> or <see cref="ArgumentException"/> naming both shapes.</item>
/// <item>Training-mode Forward (<c>training: true</c>) keeps what Backward needs and may reuse its output and
/// gradient buffers between calls of the same batch size, so a steady-state training loop allocates nothing.
/// The tensors it returns are therefore valid only until the layer's next training-mode call.</item>
/// <item>Inference-mode Forward (<c>training: false</c>) touches no shared mutable state and returns a tensor the
/// caller owns, so one trained layer can serve many threads at once.</item>
/// </list>
/// </remarks>
public interface ILayer
{
    /// <summary>The layer's name within its network, such as <c>conv1</c>; the prefix of its parameters' names.</summary>
    string Name { get; }

    /// <summary>The trainable parameters this layer owns, in a fixed order (empty for layers without any).</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The output shape for an input of <paramref name="inputShape"/>.</summary>
    /// <exception cref="ArgumentException">The layer cannot take this input shape; the message says what it expects.</exception>
    TensorShape GetOutputShape(TensorShape inputShape);

    /// <summary>Computes the layer's output for a batch.</summary>
    /// <param name="input">The input batch; not modified.</param>
    /// <param name="training">True to keep what Backward needs (and to apply training-only behaviour such as dropout).</param>
    FloatTensor Forward(FloatTensor input, bool training);

    /// <summary>Back-propagates the gradient of the loss through the last training-mode Forward.</summary>
    /// <param name="outputGradient">dLoss/dOutput, shaped like the last output; not modified.</param>
    /// <returns>dLoss/dInput, shaped like the last input.</returns>
    FloatTensor Backward(FloatTensor outputGradient);
}
