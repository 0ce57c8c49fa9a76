using ConvNet.Core.Tensors;

namespace ConvNet.Core.Layers;

/// <summary>The argument checks every layer's Backward makes, with messages that name both shapes.</summary>
internal static class LayerGuard
{
    /// <summary>
    /// Throws unless a training-mode Forward has run (<paramref name="lastOutputShape"/> is set) and the gradient
    /// has the shape of that Forward's output.
    /// </summary>
    public static void CheckOutputGradient(string layerName, TensorShape? lastOutputShape, FloatTensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (lastOutputShape is not { } expected)
        {
            throw new InvalidOperationException(
                $"Layer '{layerName}': Backward needs a training-mode Forward first (got a gradient of shape {outputGradient.Shape}).");
        }

        if (outputGradient.Shape != expected)
        {
            throw new ArgumentException(
                $"Layer '{layerName}': the output gradient has shape {outputGradient.Shape}; the last output had shape {expected}.",
                nameof(outputGradient));
        }
    }

    /// <summary>
    /// Returns <paramref name="buffer"/> when it already has <paramref name="shape"/>, else replaces it with a new tensor,
    /// so that training steps of one batch size allocate only once.
    /// </summary>
    public static FloatTensor Reuse(ref FloatTensor? buffer, TensorShape shape)
    {
        if (buffer is null || buffer.Shape != shape)
        {
            buffer = new FloatTensor(shape);
        }

        return buffer;
    }

    /// <summary>
    /// Returns <paramref name="buffer"/> when it already has <paramref name="length"/> elements, else replaces it with a
    /// new array: the workspace counterpart of <see cref="Reuse(ref FloatTensor?, TensorShape)"/>.
    /// </summary>
    public static T[] Reuse<T>(ref T[]? buffer, int length)
    {
        if (buffer is null || buffer.Length != length)
        {
            buffer = new T[length];
        }

        return buffer;
    }
}
