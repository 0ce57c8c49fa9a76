using System.Buffers.Binary;
using System.Globalization;

namespace ConvNet.Core.Data;

/// <summary>The dimensions and unsigned-byte data of one IDX file.</summary>
/// <param name="Dimensions">The sizes announced by the header, outermost (item count) first.</param>
/// <param name="Data">The items' bytes, row-major, exactly as many as the dimensions announce.</param>
internal sealed record IdxContent(int[] Dimensions, byte[] Data);

/// <summary>
/// Reads IDX files (the format of MNIST): a big-endian magic number (two zero bytes, a type code, the number of
/// dimensions), one big-endian int32 per dimension, then the data. Only unsigned-byte data is supported.
/// Every inconsistency becomes an <see cref="InvalidDataException"/> naming the file and what was expected; the
/// announced size is checked against what the file holds before anything that large is allocated.
/// </summary>
internal static class IdxFile
{
    /// <summary>Magic number of unsigned-byte images: type 0x08, three dimensions (count, rows, columns).</summary>
    internal const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of unsigned-byte labels: type 0x08, one dimension (count).</summary>
    internal const int LabelsMagic = 0x00000801;

    // Compressed files announce their length only through the header, so their data buffer grows as bytes
    // actually arrive instead of trusting the header with one large allocation.
    private const int InitialCompressedBufferSize = 1 << 20;

    /// <summary>Reads the IDX file at <paramref name="path"/>, raw or gzip-compressed.</summary>
    /// <param name="path">The file.</param>
    /// <param name="expectedMagic"><see cref="ImagesMagic"/> or <see cref="LabelsMagic"/>.</param>
    /// <exception cref="InvalidDataException">The file is not a complete, consistent IDX file of that kind.</exception>
    internal static IdxContent Read(string path, int expectedMagic)
    {
        using var stream = GzipAwareFile.OpenRead(path, out long? storedLength);
        int dimensionCount = expectedMagic & 0xFF;
        int headerLength = 4 * (1 + dimensionCount);
        var header = new byte[headerLength];
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

        if (headerRead < headerLength)
        {
            throw Invalid(path, $"the header is cut short: {headerRead} of {headerLength} bytes ({dimensionCount} dimension sizes after the magic number).");
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
            if (dataLength > Array.MaxLength)
            {
                throw Invalid(path, $"the header announces dimensions {FormatDimensions(header, dimensionCount)}, more than the {Array.MaxLength:N0} bytes one array can hold.");
            }
        }

        byte[] data = storedLength is long fileLength
            ? ReadStored(stream, path, dimensions, dataLength, fileLength - headerLength)
            : ReadCompressed(stream, path, dimensions, dataLength);
        return new IdxContent(dimensions, data);
    }

    private static byte[] ReadStored(Stream stream, string path, int[] dimensions, long dataLength, long availableLength)
    {
        if (availableLength < dataLength)
        {
            throw Invalid(path, $"the header announces {FormatDimensions(dimensions)} = {dataLength:N0} data bytes but the file holds only {availableLength:N0} after the header (truncated file?).");
        }

        if (availableLength > dataLength)
        {
            throw Invalid(path, $"the header announces {FormatDimensions(dimensions)} = {dataLength:N0} data bytes but {availableLength:N0} follow the header.");
        }

        var data = new byte[dataLength];
        int read = ReadUpTo(stream, data, path);
        if (read < data.Length)
        {
            throw Invalid(path, $"the data ends after {read:N0} of the {dataLength:N0} bytes the header announces.");
        }

        return data;
    }

    private static byte[] ReadCompressed(Stream stream, string path, int[] dimensions, long dataLength)
    {
        var data = new byte[Math.Min(dataLength, InitialCompressedBufferSize)];
        int filled = 0;
        while (filled < dataLength)
        {
            if (filled == data.Length)
            {
                Array.Resize(ref data, (int)Math.Min(dataLength, 2L * data.Length));
            }

            int read = ReadUpTo(stream, data.AsSpan(filled), path);
            filled += read;
            if (filled < data.Length)
            {
                throw Invalid(path, $"the decompressed data ends after {filled:N0} of the {dataLength:N0} bytes the header announces ({FormatDimensions(dimensions)}): truncated file?");
            }
        }

        Span<byte> probe = stackalloc byte[1];
        if (ReadUpTo(stream, probe, path) != 0)
        {
            throw Invalid(path, $"more data follows the {dataLength:N0} bytes the header announces ({FormatDimensions(dimensions)}).");
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
