namespace ConvNet.Core.Kernels;

/// <summary>
/// Moves data between the GEMM's position-major layout [batch, positions, channels] and NCHW
/// [batch, channels, positions], the transposes the seed does with <c>reshape(...).transpose(0, 3, 1, 2)</c>.
/// </summary>
internal static class ChannelLayout
{
    /// <summary>[batch, positions, channels] → [batch, channels, positions].</summary>
    public static void PositionsToChannels(ReadOnlySpan<float> source, Span<float> destination, int batchSize, int positions, int channels) =>
        Transpose(source, destination, batchSize, positions, channels);

    /// <summary>[batch, channels, positions] → [batch, positions, channels].</summary>
    public static void ChannelsToPositions(ReadOnlySpan<float> source, Span<float> destination, int batchSize, int channels, int positions) =>
        Transpose(source, destination, batchSize, channels, positions);

    /// <summary>Transposes each of <paramref name="batchSize"/> [rows, columns] blocks.</summary>
    private static void Transpose(ReadOnlySpan<float> source, Span<float> destination, int batchSize, int rows, int columns)
    {
        int blockSize = rows * columns;
        if (source.Length < batchSize * blockSize || destination.Length < batchSize * blockSize)
        {
            throw new ArgumentException(
                $"Transpose operand too small: source has {source.Length}, destination {destination.Length} of {batchSize * blockSize} elements.");
        }

        for (int item = 0; item < batchSize; item++)
        {
            ReadOnlySpan<float> block = source.Slice(item * blockSize, blockSize);
            Span<float> transposed = destination.Slice(item * blockSize, blockSize);
            for (int row = 0; row < rows; row++)
            {
                ReadOnlySpan<float> sourceRow = block.Slice(row * columns, columns);
                for (int column = 0; column < columns; column++)
                {
                    transposed[(column * rows) + row] = sourceRow[column];
                }
            }
        }
    }
}
