using System.Buffers.Binary;
using System.IO.Compression;

namespace ConvNet.Core.Tests.Data;

/// <summary>Builds IDX file bytes by hand (big-endian header, unsigned-byte data) for the reader tests.</summary>
internal static class IdxTestFiles
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;

    public static byte[] File(int magic, int[] dimensions, byte[] data)
    {
        var bytes = new byte[4 + (4 * dimensions.Length) + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int axis = 0; axis < dimensions.Length; axis++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 * (axis + 1)), dimensions[axis]);
        }

        data.CopyTo(bytes, 4 + (4 * dimensions.Length));
        return bytes;
    }

    public static byte[] Images(int count, int rows, int columns, byte[] pixels) =>
        File(ImagesMagic, [count, rows, columns], pixels);

    public static byte[] Labels(params byte[] labels) => File(LabelsMagic, [labels.Length], labels);

    public static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(raw);
        }

        return output.ToArray();
    }

    /// <summary>Images whose pixel values follow a fixed pattern, so that each one is distinguishable.</summary>
    public static byte[] PatternPixels(int length)
    {
        var pixels = new byte[length];
        for (int i = 0; i < length; i++)
        {
            pixels[i] = (byte)((i * 37) % 256);
        }

        return pixels;
    }
}
