namespace ConvNet.Core.Kernels;

/// <summary>
/// A read-only matrix in memory where element (row, column) is at <c>Data[row * RowStride + column * ColumnStride]</c>,
/// so a row-major matrix and the transpose of one are the same thing with the strides swapped.
/// </summary>
internal readonly unsafe struct StridedMatrix(float* data, int rowStride, int columnStride)
{
    public float* Data { get; } = data;

    public int RowStride { get; } = rowStride;

    public int ColumnStride { get; } = columnStride;

    /// <summary>A matrix stored row-major with <paramref name="columns"/> columns.</summary>
    public static StridedMatrix RowMajor(float* data, int columns) => new(data, columns, 1);

    /// <summary>The transpose of a matrix stored row-major with <paramref name="storedColumns"/> columns.</summary>
    public static StridedMatrix Transposed(float* data, int storedColumns) => new(data, 1, storedColumns);

    public float* At(int row, int column) => Data + ((long)row * RowStride) + ((long)column * ColumnStride);
}
