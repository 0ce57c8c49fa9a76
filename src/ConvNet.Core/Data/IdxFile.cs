using System.Buffers.Binary;
using System.Globalization;

namespace ConvNet.Core.Data;

/// <summary>
/// Reads IDX files (the format of MNIST): a big-endian magic number (two zero bytes, a type code, the number of
/// dimensions), one big-endian int32 per dimension, then the data. Only unsigned-byte data is supported.
/// Every inconsistency becomes an <see cref="InvalidDataException"/> naming the file and what was expected.
/// </summary>
/// <remarks>
/// Nothing the header announces is allocated before the file is known to hold it: a raw file's length is compared
/// with the header; a gzip-compressed file is decompressed once only to count its bytes (no buffer grows with
/// them) and a second time into the caller's array. The data goes straight into that array, converted on the way
/// (no byte copy beside the floats), and never exceeds <see cref="IdxReader.MaxDataBytes"/>.
/// </remarks>
internal static class IdxFile
{
    /// <summary>Magic number of unsigned-byte images: type 0x08, three dimensions (count, rows, columns).</summary>
    internal const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of unsigned-byte labels: type 0x08, one dimension (count).</summary>
    internal const int LabelsMagic = 0x00000801;

    private const int ChunkSize = 1 << 16;

    /// <summary>Reads the IDX file at <paramref name="path"/>, raw or gzip-compressed, converting each data byte.</summary>
    /// <param name="path">The file.</param>
    /// <param name="expectedMagic"><see cref="ImagesMagic"/> or <see cref="LabelsMagic"/>.</param>
    /// <param name="convert">Turns a run of data bytes into the values at the same positions of the result.</param>
    /// <returns>The dimensions the header announces, outermost (item count) first, and one value per data byte.</returns>
    /// <exception cref="InvalidDataException">The file is not a complete, consistent IDX file of that kind, or is too large.</exception>
    internal static (int[] Dimensions, T[] Data) Read<T>(string path, int expectedMagic, Action<ReadOnlySpan<byte>, Span<T>> convert)
    {
        int[] dimensions;
        long dataLength;
        using (var stream = GzipAwareFile.OpenRead(path, out long? storedLength))
        {
            (dimensions, dataLength) = ReadHeader(stream, path, expectedMagic);
            long available = storedLength is long fileLength ? fileLength - HeaderLength(expectedMagic) : CountRemaining(stream, path, dataLength);
            if (available < dataLength)
            {
                throw Invalid(path, $"the header announces {FormatDimensions(dimensions)} = {dataLength:N0} data bytes but the file holds only {available:N0} after the header (truncated file?).");
            }

            if (available > dataLength)
            {
                string following = storedLength is null ? "more" : available.ToString("N0", CultureInfo.InvariantCulture);
                throw Invalid(path, $"the header announces {FormatDimensions(dimensions)} = {dataLength:N0} data bytes but {following} follow the header.");
            }

            if (storedLength is not null)
            {
                return (dimensions, ReadData(stream, path, dataLength, convert));
            }
        }

        // The compressed file was counted, not kept: decompress it again, this time into the result.
        using var again = GzipAwareFile.OpenRead(path, out _);
        ReadHeader(again, path, expectedMagic);
        return (dimensions, ReadData(again, path, dataLength, convert));
    }

    private static int HeaderLength(int magic) => 4 * (1 + (magic & 0xFF));

    private static (int[] Dimensions, long DataLength) ReadHeader(Stream stream, string path, int expectedMagic)
    {
        int dimensionCount = expectedMagic & 0xFF;
        var header = new byte[HeaderLength(expectedMagic)];
        int headerRead = ReadUpTo(stream, header, path);
        if (headerRead < 4)
        {
            throw Invalid(path, $"it holds {headerRead} bytes; an IDX file starts with a 4-byte magic number (expected {FormatMagic(expectedMagic)}).");
        }

        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != expectedMagic)
        {
            throw Invalid(path, $"expected magic number {FormatMagic(expectedMagic)} ({Describe(expectedMagic)}) but found {FormatMagic(magic)}.");
        }

        if (headerRead < header.Length)
        {
            throw Invalid(path, $"the header is cut short: {headerRead} of {header.Length} bytes ({dimensionCount} dimension sizes after the magic number).");
        }

        var dimensions = new int[dimensionCount];
        long dataLength = 1;
        for (int axis = 0; axis < dimensionCount; axis++)
        {
            dimensions[axis] = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4 * (axis + 1)));
            if (dimensions[axis] <= 0)
            {
                throw Invalid(path, $"dimension {axis} is {dimensions[axis]}; every dimension must be at least 1.");
            }

            // Each factor is below 2^31 and the running product is capped below, so this cannot overflow.
            dataLength *= dimensions[axis];
            if (dataLength > IdxReader.MaxDataBytes)
            {
                throw Invalid(path, $"the header announces dimensions {FormatDimensions(header, dimensionCount)}, more than the {IdxReader.MaxDataBytes:N0} data bytes this reader accepts.");
            }
        }

        return (dimensions, dataLength);
    }

    /// <summary>Counts the bytes left in the stream, stopping one past <paramref name="expected"/>.</summary>
    private static long CountRemaining(Stream stream, string path, long expected)
    {
        var chunk = new byte[ChunkSize];
        long count = 0;
        int read;
        while (count <= expected && (read = ReadUpTo(stream, chunk.AsSpan(0, (int)Math.Min(chunk.Length, expected + 1 - count)), path)) > 0)
        {
            count += read;
        }

        return count;
    }

    private static T[] ReadData<T>(Stream stream, string path, long dataLength, Action<ReadOnlySpan<byte>, Span<T>> convert)
    {
        var data = new T[dataLength];
        var chunk = new byte[ChunkSize];
        int filled = 0;
        while (filled < data.Length)
        {
            int read = ReadUpTo(stream, chunk.AsSpan(0, Math.Min(chunk.Length, data.Length - filled)), path);
            if (read == 0)
            {
                // Only if the file changed between the check and this read.
                throw Invalid(path, $"the data ends after {filled:N0} of the {dataLength:N0} bytes the header announces.");
            }

            convert(chunk.AsSpan(0, read), data.AsSpan(filled, read));
            filled += read;
        }

        return data;
    }

    /// <summary>Fills as much of <paramref name="buffer"/> as the stream holds; corrupt compressed data is reported with the file name.</summary>
    private static int ReadUpTo(Stream stream, Span<byte> buffer, string path)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException exception)
        {
            throw new InvalidDataException($"IDX file '{path}': the gzip data is corrupt ({exception.Message}).", exception);
        }
    }

    private static InvalidDataException Invalid(string path, string problem) => new($"IDX file '{path}': {problem}");

    private static string FormatMagic(int magic) => "0x" + magic.ToString("X8", CultureInfo.InvariantCulture);

    private static string Describe(int magic) => magic switch
    {
        ImagesMagic => "unsigned-byte images: count, rows, columns",
        LabelsMagic => "unsigned-byte labels: count",
        _ => "unsigned-byte data",
    };

    private static string FormatDimensions(int[] dimensions) => string.Join(" x ", dimensions);

    private static string FormatDimensions(byte[] header, int dimensionCount) => string.Join(
        " x ",
        Enumerable.Range(1, dimensionCount).Select(index => BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4 * index))));
}
