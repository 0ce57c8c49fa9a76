using ConvNet.Core.Tensors;

namespace ConvNet.Core.Data;

/// <summary>
/// Reads image and label files in the IDX format used by MNIST, Fashion-MNIST, EMNIST and KMNIST, stored raw or
/// gzip-compressed (recognised by content, not by file name).
/// </summary>
/// <remarks>
/// Every file is validated: the magic number (0x00000803 for images, 0x00000801 for labels), positive dimensions,
/// and a data length that matches the header exactly. A malformed, truncated or oversized file (over
/// <see cref="MaxDataBytes"/>), a pipe or a device throws <see cref="InvalidDataException"/> naming the file and what
/// was expected; the announced size is checked against the file before it is allocated.
/// </remarks>
public static class IdxReader
{
    /// <summary>
    /// The most data bytes (pixels or labels) one file may announce: 1 GiB, above the largest public IDX sets
    /// (EMNIST ByClass: 547 MB). Checked before anything is allocated; images take 4 bytes per pixel once read.
    /// </summary>
    public const long MaxDataBytes = 1L << 30;

    private const float PixelScale = 255f;

    /// <summary>Reads an image file as a tensor [count, 1, rows, columns] with pixels scaled to [0, 1].</summary>
    /// <param name="path">An IDX image file (magic 0x00000803), raw or gzip-compressed.</param>
    /// <exception cref="InvalidDataException">The file is not a complete, consistent IDX image file.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static FloatTensor ReadImages(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var (dimensions, pixels) = IdxFile.Read<float>(path, IdxFile.ImagesMagic, static (bytes, values) =>
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                values[i] = bytes[i] / PixelScale;
            }
        });
        return new FloatTensor(new TensorShape(dimensions[0], 1, dimensions[1], dimensions[2]), pixels);
    }

    /// <summary>Reads a label file as one class index per item.</summary>
    /// <param name="path">An IDX label file (magic 0x00000801), raw or gzip-compressed.</param>
    /// <exception cref="InvalidDataException">The file is not a complete, consistent IDX label file.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static int[] ReadLabels(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return IdxFile.Read<int>(path, IdxFile.LabelsMagic, static (bytes, values) =>
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                values[i] = bytes[i];
            }
        }).Data;
    }

    /// <summary>Reads an image file and its label file as one dataset.</summary>
    /// <param name="imagesPath">An IDX image file.</param>
    /// <param name="labelsPath">The IDX label file holding one label per image.</param>
    /// <exception cref="InvalidDataException">A file is malformed, or the image and label counts differ.</exception>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    public static LabeledDataset ReadDataset(string imagesPath, string labelsPath)
    {
        int[] labels = ReadLabels(labelsPath);
        FloatTensor images = ReadImages(imagesPath);
        if (images.Shape[0] != labels.Length)
        {
            throw new InvalidDataException(
                $"IDX files '{imagesPath}' and '{labelsPath}' disagree: expected one label per image, but there are {images.Shape[0]:N0} images and {labels.Length:N0} labels.");
        }

        return new LabeledDataset(images, labels);
    }
}
