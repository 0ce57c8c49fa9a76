using ConvNet.Core.Data;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Images_round_trip_scaled_to_unit_range(bool compressed)
    {
        byte[] pixels = [0, 255, 51, 102, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
        byte[] file = IdxTestFiles.Images(3, 2, 4, pixels);
        string path = _folder.Write("images", compressed ? IdxTestFiles.Gzip(file) : file);

        FloatTensor images = IdxReader.ReadImages(path);

        images.Shape.Should().Be(new TensorShape(3, 1, 2, 4));
        images[0, 0, 0, 0].Should().Be(0f);
        images[0, 0, 0, 1].Should().Be(1f);
        images[0, 0, 0, 2].Should().BeApproximately(0.2f, 1e-7f);
        images[0, 0, 0, 3].Should().BeApproximately(0.4f, 1e-7f);
        images[2, 0, 1, 3].Should().BeApproximately(20f / 255f, 1e-7f);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Labels_round_trip(bool compressed)
    {
        byte[] file = IdxTestFiles.Labels(7, 2, 1, 0, 4, 255);
        string path = _folder.Write("labels", compressed ? IdxTestFiles.Gzip(file) : file);

        IdxReader.ReadLabels(path).Should().Equal(7, 2, 1, 0, 4, 255);
    }

    [Fact]
    public void Compression_is_recognised_by_content_not_by_name()
    {
        string gzipWithoutSuffix = _folder.Write("labels-idx1-ubyte", IdxTestFiles.Gzip(IdxTestFiles.Labels(3, 1)));
        string rawWithSuffix = _folder.Write("labels-idx1-ubyte.gz", IdxTestFiles.Labels(4, 5));

        IdxReader.ReadLabels(gzipWithoutSuffix).Should().Equal(3, 1);
        IdxReader.ReadLabels(rawWithSuffix).Should().Equal(4, 5);
    }

    [Fact]
    public void ReadDataset_pairs_images_with_labels()
    {
        string images = _folder.Write("images", IdxTestFiles.Images(2, 1, 2, [10, 20, 30, 40]));
        string labels = _folder.Write("labels", IdxTestFiles.Labels(9, 3));

        var dataset = IdxReader.ReadDataset(images, labels);

        dataset.Count.Should().Be(2);
        dataset.Labels.Should().Equal(9, 3);
        dataset.Inputs[1, 0, 0, 1].Should().BeApproximately(40f / 255f, 1e-7f);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Wrong_magic_names_the_file_and_both_numbers(bool compressed)
    {
        byte[] labels = IdxTestFiles.Labels(1, 2, 3);
        string path = _folder.Write("not-images", compressed ? IdxTestFiles.Gzip(labels) : labels);

        FluentActions.Invoking(() => IdxReader.ReadImages(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{path}*expected magic number 0x00000803*found 0x00000801*");
    }

    [Fact]
    public void Truncated_raw_file_is_rejected()
    {
        byte[] file = IdxTestFiles.Images(2, 3, 3, IdxTestFiles.PatternPixels(18));
        string path = _folder.Write("truncated", file[..^1]);

        FluentActions.Invoking(() => IdxReader.ReadImages(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{path}*2 x 3 x 3 = 18 data bytes*only 17*");
    }

    [Fact]
    public void Data_after_the_announced_length_is_rejected()
    {
        byte[] file = IdxTestFiles.Labels(1, 2, 3);
        string path = _folder.Write("trailing", [.. file, 4]);

        FluentActions.Invoking(() => IdxReader.ReadLabels(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{path}*3 data bytes but 4 follow*");
    }

    [Fact]
    public void Header_announcing_more_than_the_file_holds_fails_before_allocating_it()
    {
        // 1,000,000 images of 28 x 28 would be 784 MB of bytes (and 3 GB as floats); the file holds 10 bytes.
        string path = _folder.Write("huge-header", IdxTestFiles.Images(1_000_000, 28, 28, new byte[10]));
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        FluentActions.Invoking(() => IdxReader.ReadImages(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{path}*1000000 x 28 x 28 = 784,000,000 data bytes*only 10*");
        (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore).Should().BeLessThan(10_000_000);
    }

    [Fact]
    public void Compressed_header_announcing_more_than_the_stream_holds_fails_without_allocating_it()
    {
        string path = _folder.Write("huge-header.gz", IdxTestFiles.Gzip(IdxTestFiles.Images(1_000_000, 28, 28, new byte[10])));
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        FluentActions.Invoking(() => IdxReader.ReadImages(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{path}*784,000,000 data bytes*only 10*");
        (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore).Should().BeLessThan(10_000_000);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_header_announcing_more_than_the_cap_is_refused_before_reading_the_data(bool compressed)
    {
        // 2,550,000 x 28 x 28 = 2.0 GB: below what an array can hold, above what this reader accepts.
        byte[] file = IdxTestFiles.Images(2_550_000, 28, 28, new byte[1000]);
        string path = _folder.Write("over-the-cap", compressed ? IdxTestFiles.Gzip(file) : file);

        FluentActions.Invoking(() => IdxReader.ReadImages(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{path}*2550000 x 28 x 28*more than the {IdxReader.MaxDataBytes:N0} data bytes this reader accepts*");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reading_allocates_the_result_and_no_copy_of_the_data(bool compressed)
    {
        const int count = 4000;
        byte[] pixels = IdxTestFiles.PatternPixels(count * 28 * 28);
        byte[] file = IdxTestFiles.Images(count, 28, 28, pixels);
        string path = _folder.Write("images", compressed ? IdxTestFiles.Gzip(file) : file);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var images = IdxReader.ReadImages(path);

        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        images.Shape.BatchSize.Should().Be(count);
        // The floats themselves are 4 bytes per pixel; a byte copy beside them would add 1 more (and a growing buffer 2).
        allocated.Should().BeLessThan((4L * pixels.Length) + 1_000_000);
    }

    [Fact]
    public void Header_beyond_any_array_size_is_rejected()
    {
        string path = _folder.Write("impossible", IdxTestFiles.Images(int.MaxValue, 28, 28, []));

        FluentActions.Invoking(() => IdxReader.ReadImages(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{path}*2147483647 x 28 x 28*more than*");
    }

    [Fact]
    public void Truncated_gzip_file_is_rejected()
    {
        byte[] compressed = IdxTestFiles.Gzip(IdxTestFiles.Images(50, 28, 28, IdxTestFiles.PatternPixels(50 * 28 * 28)));
        string path = _folder.Write("truncated.gz", compressed[..(compressed.Length / 2)]);

        FluentActions.Invoking(() => IdxReader.ReadImages(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{path}*");
    }

    [Fact]
    public void Corrupt_gzip_data_is_rejected_with_the_file_name()
    {
        byte[] compressed = IdxTestFiles.Gzip(IdxTestFiles.Images(50, 28, 28, IdxTestFiles.PatternPixels(50 * 28 * 28)));
        for (int i = 20; i < compressed.Length - 20; i += 7)
        {
            compressed[i] ^= 0x5A;
        }

        string path = _folder.Write("corrupt.gz", compressed);

        FluentActions.Invoking(() => IdxReader.ReadImages(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{path}*");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(10)]
    public void Header_cut_short_is_rejected(int length)
    {
        byte[] file = IdxTestFiles.Images(1, 1, 1, [0]);
        string path = _folder.Write("short-header", file[..length]);

        FluentActions.Invoking(() => IdxReader.ReadImages(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{path}*");
    }

    [Fact]
    public void Zero_dimension_is_rejected()
    {
        string path = _folder.Write("zero-rows", IdxTestFiles.Images(2, 0, 3, []));

        FluentActions.Invoking(() => IdxReader.ReadImages(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{path}*dimension 1 is 0*");
    }

    [Fact]
    public void Count_mismatch_between_images_and_labels_names_both_files()
    {
        string images = _folder.Write("images", IdxTestFiles.Images(3, 1, 1, [1, 2, 3]));
        string labels = _folder.Write("labels", IdxTestFiles.Labels(1, 2));

        FluentActions.Invoking(() => IdxReader.ReadDataset(images, labels)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{images}*{labels}*3 images and 2 labels*");
    }

    [Fact]
    public void Missing_file_throws_FileNotFoundException()
    {
        string path = Path.Combine(_folder.Path, "absent");

        FluentActions.Invoking(() => IdxReader.ReadLabels(path)).Should().Throw<FileNotFoundException>();
    }
}
