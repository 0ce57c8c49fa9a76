using System.IO.Compression;
using ConvNet.Core.Serialization;

namespace ConvNet.Core.Data;

/// <summary>
/// Opens a file that may be gzip-compressed. Compression is recognised by the gzip magic bytes (1F 8B), not by
/// the file name, so a renamed or mislabelled file still reads correctly.
/// </summary>
internal static class GzipAwareFile
{
    private const byte GzipFirstByte = 0x1F;
    private const byte GzipSecondByte = 0x8B;

    /// <summary>Opens <paramref name="path"/> for reading its (decompressed) content.</summary>
    /// <param name="path">The file.</param>
    /// <param name="storedLength">
    /// The number of content bytes when the file is stored raw; <c>null</c> when it is compressed, because the
    /// decompressed length is only known after reading it all.
    /// </param>
    internal static Stream OpenRead(string path, out long? storedLength)
    {
        var file = InputFile.OpenRead(path);
        try
        {
            Span<byte> magic = stackalloc byte[2];
            int magicLength = file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
            file.Position = 0;
            if (magicLength == magic.Length && magic[0] == GzipFirstByte && magic[1] == GzipSecondByte)
            {
                storedLength = null;
                return new GZipStream(file, CompressionMode.Decompress, leaveOpen: false);
            }

            storedLength = file.Length;
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }
}
