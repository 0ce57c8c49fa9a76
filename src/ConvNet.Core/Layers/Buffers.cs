using ConvNet.Core.Tensors;

namespace ConvNet.Core.Layers;

/// <summary>
/// Training-mode buffers that live as long as the batch shape does: a steady-state training loop gets the same
/// storage back on every step and allocates nothing.
/// </summary>
internal static class Buffers
{
    /// <summary>The tensor in <paramref name="buffer"/> if it already has <paramref name="shape"/>, else a new zeroed one stored there.</summary>
    public static Tensor Reuse(ref Tensor? buffer, TensorShape shape)
    {
        if (buffer is null || buffer.Shape != shape)
        {
            buffer = new Tensor(shape);
        }

        return buffer;
    }

    /// <summary>The array in <paramref name="buffer"/> if it already has <paramref name="length"/> elements, else a new one stored there.</summary>
    public static T[] Reuse<T>(ref T[]? buffer, int length)
    {
        if (buffer is null || buffer.Length != length)
        {
            buffer = new T[length];
        }

        return buffer;
    }
}
