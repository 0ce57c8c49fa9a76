using ConvNet.Core.Tensors;

namespace ConvNet.Core.Serialization;

/// <summary>Where one tensor of a file goes in a network: its name and shape in the file, and the tensor it fills.</summary>
/// <param name="Name">The tensor's name in the file.</param>
/// <param name="FileShape">Its shape in the file.</param>
/// <param name="Target">The network's tensor it fills, in place.</param>
/// <param name="Transposed">Whether the file stores the target's [rows, columns] matrix as [columns, rows] (PyTorch's
/// <c>Linear.weight</c> is [out, in] where <see cref="Layers.Affine"/> keeps [in, out]).</param>
internal sealed record TensorBinding(string Name, int[] FileShape, FloatTensor Target, bool Transposed = false)
{
    /// <summary>Copies the file's values (in file order) into <see cref="Target"/>.</summary>
    public void Commit(ReadOnlySpan<float> values)
    {
        if (Transposed)
        {
            Transpose(values, Target.Span, FileShape[0], FileShape[1]);
        }
        else
        {
            values.CopyTo(Target.Span);
        }
    }

    /// <summary>destination[c, r] = source[r, c] for a source of <paramref name="rows"/> × <paramref name="columns"/>.</summary>
    public static void Transpose(ReadOnlySpan<float> source, Span<float> destination, int rows, int columns)
    {
        for (int row = 0; row < rows; row++)
        {
            for (int column = 0; column < columns; column++)
            {
                destination[(column * rows) + row] = source[(row * columns) + column];
            }
        }
    }
}
