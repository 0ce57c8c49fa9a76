using System.Buffers.Binary;
using ConvNet.Core.Tensors;
using ConvNet.Core.Tests.Data;
using ConvNet.Datasets.Images;
using SkiaSharp;

namespace ConvNet.Datasets.Tests.Images;

public sealed class ImageTransformTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void An_rgb_png_reads_into_three_planes_scaled_to_one()
    {
        // Left half pure red, right half (50, 100, 200).
        string path = TestPictures.Write(Path.Combine(_folder.Path, "halves.png"), 8, 4, (x, _) => x < 4 ? new SKColor(255, 0, 0) : new SKColor(50, 100, 200));

        FloatTensor input = new ImageTransform(8, 4, ImageColorMode.Rgb).ReadFile(path);

        input.Shape.Should().Be(new TensorShape(1, 3, 4, 8));
        input[0, 0, 2, 1].Should().Be(1f);
        input[0, 1, 2, 1].Should().Be(0f);
        input[0, 2, 2, 1].Should().Be(0f);
        input[0, 0, 3, 6].Should().BeApproximately(50 / 255f, 1e-6f);
        input[0, 1, 3, 6].Should().BeApproximately(100 / 255f, 1e-6f);
        input[0, 2, 3, 6].Should().BeApproximately(200 / 255f, 1e-6f);
    }

    [Fact]
    public void Grey_is_the_luminance_and_transparency_shows_the_white_paper()
    {
        string path = TestPictures.Write(Path.Combine(_folder.Path, "grey.png"), 2, 1, (x, _) => x == 0 ? new SKColor(50, 100, 200) : new SKColor(0, 0, 0, 0));

        FloatTensor input = new ImageTransform(2, 1, ImageColorMode.Grayscale).ReadFile(path);

        input.Shape.Should().Be(new TensorShape(1, 1, 1, 2));
        input[0, 0, 0, 0].Should().BeApproximately(((0.299f * 50) + (0.587f * 100) + (0.114f * 200)) / 255f, 1e-5f);
        input[0, 0, 0, 1].Should().Be(1f);
    }

    [Fact]
    public void Stretch_keeps_the_whole_picture_and_centre_crop_keeps_its_middle()
    {
        // 96 × 32 in three bands: red, green, blue.
        string path = TestPictures.Write(Path.Combine(_folder.Path, "bands.png"), 96, 32, (x, _) => x switch
        {
            < 32 => new SKColor(255, 0, 0),
            < 64 => new SKColor(0, 255, 0),
            _ => new SKColor(0, 0, 255),
        });

        FloatTensor stretched = new ImageTransform(6, 6, ImageColorMode.Rgb, ImageResizeMode.Stretch).ReadFile(path);
        FloatTensor cropped = new ImageTransform(6, 6, ImageColorMode.Rgb, ImageResizeMode.CenterCrop).ReadFile(path);

        // Stretched: columns 0-1 red, 2-3 green, 4-5 blue (each target column averages 16 source columns of one band).
        for (int x = 0; x < 6; x++)
        {
            stretched[0, x / 2, 3, x].Should().BeApproximately(1f, 1e-5f, $"column {x} lies in band {x / 2}");
        }

        // Cropped: the middle 32 × 32 square, all green.
        cropped.ToArray().Skip(36).Take(36).Should().OnlyContain(value => Math.Abs(value - 1f) < 1e-5f);
        cropped.ToArray().Take(36).Concat(cropped.ToArray().Skip(72)).Should().OnlyContain(value => value == 0f);
    }

    [Fact]
    public void Shrinking_averages_areas_so_a_fine_checkerboard_turns_grey()
    {
        string path = TestPictures.Write(Path.Combine(_folder.Path, "checks.png"), 64, 64, (x, y) => (x + y) % 2 == 0 ? SKColors.White : SKColors.Black);

        FloatTensor input = new ImageTransform(8, 8, ImageColorMode.Grayscale).ReadFile(path);

        input.ToArray().Should().OnlyContain(value => Math.Abs(value - 0.5f) < 1e-4f);
    }

    [Fact]
    public void A_jpeg_reads_close_to_its_colours_and_a_stream_reads_like_the_file()
    {
        string path = TestPictures.Solid(Path.Combine(_folder.Path, "orange.jpg"), new SKColor(240, 140, 20), size: 16);
        var transform = new ImageTransform(4, 4, ImageColorMode.Rgb);

        FloatTensor fromFile = transform.ReadFile(path);
        using FileStream stream = File.OpenRead(path);
        FloatTensor fromStream = transform.Read(stream);

        fromFile[0, 0, 1, 1].Should().BeApproximately(240 / 255f, 0.03f);
        fromFile[0, 1, 1, 1].Should().BeApproximately(140 / 255f, 0.03f);
        fromFile[0, 2, 1, 1].Should().BeApproximately(20 / 255f, 0.03f);
        fromStream.ToArray().Should().Equal(fromFile.ToArray());
    }

    [Fact]
    public void Normalization_is_applied_per_channel()
    {
        string path = TestPictures.Solid(Path.Combine(_folder.Path, "red.png"), new SKColor(255, 0, 51));
        var normalization = new ChannelNormalization([0.5f, 0f, 0.1f], [0.25f, 2f, 0.1f]);

        FloatTensor input = new ImageTransform(2, 2, ImageColorMode.Rgb, normalization: normalization).ReadFile(path);

        input[0, 0, 0, 0].Should().BeApproximately(2f, 1e-5f);
        input[0, 1, 0, 0].Should().Be(0f);
        input[0, 2, 0, 0].Should().BeApproximately(1f, 1e-4f);
    }

    [Fact]
    public void Json_keeps_every_setting_and_bad_json_is_refused_clearly()
    {
        var transform = new ImageTransform(40, 24, ImageColorMode.Rgb, ImageResizeMode.CenterCrop, new ChannelNormalization([0.1f, 0.2f, 0.3f], [0.4f, 0.5f, 0.6f]));

        ImageTransform read = ImageTransform.FromJson(transform.ToJson());

        (read.Width, read.Height, read.Color, read.Resize).Should().Be((40, 24, ImageColorMode.Rgb, ImageResizeMode.CenterCrop));
        read.Normalization!.Mean.Should().Equal(0.1f, 0.2f, 0.3f);
        read.Normalization.StandardDeviation.Should().Equal(0.4f, 0.5f, 0.6f);
        ImageTransform.FromJson(new ImageTransform(8, 8, ImageColorMode.Grayscale).ToJson()).Normalization.Should().BeNull();

        FluentActions.Invoking(() => ImageTransform.FromJson("{\"width\":8,\"height\":8,\"color\":\"cmyk\",\"resize\":\"stretch\"}"))
            .Should().Throw<InvalidDataException>().WithMessage("*cmyk*");
        FluentActions.Invoking(() => ImageTransform.FromJson("{\"width\":8,\"color\":\"rgb\",\"resize\":\"stretch\"}"))
            .Should().Throw<InvalidDataException>().WithMessage("*height*");
        FluentActions.Invoking(() => ImageTransform.FromJson("{\"width\":0,\"height\":8,\"color\":\"rgb\",\"resize\":\"stretch\"}"))
            .Should().Throw<InvalidDataException>().WithMessage("*width*Actual value was 0.").And.Message.Should().NotContain("?");
        FluentActions.Invoking(() => ImageTransform.FromJson("not json")).Should().Throw<InvalidDataException>();
    }

    [Fact]
    public void A_transform_from_a_hostile_model_file_is_quoted_cut_short()
    {
        // A model file carries the transform as a property of any length; the error quotes 80 characters of it.
        string huge = "{\"width\":8,\"height\":8,\"color\":\"" + new string('x', 100_000) + "\",\"resize\":\"stretch\"}";
        string broken = "{\"width\":8,\n" + new string(' ', 100_000) + "nope}";

        foreach (string json in new[] { huge, broken })
        {
            string message = FluentActions.Invoking(() => ImageTransform.FromJson(json)).Should().Throw<InvalidDataException>().Which.Message;
            message.Length.Should().BeLessThan(2000);
            message.Should().Contain("characters)").And.NotContain("\n");
        }
    }

    [Fact]
    public void A_file_that_is_no_picture_is_refused_naming_it()
    {
        string path = _folder.Write("notes.png", "hello, world"u8.ToArray());

        FluentActions.Invoking(() => new ImageTransform(8, 8, ImageColorMode.Rgb).ReadFile(path))
            .Should().Throw<InvalidDataException>().WithMessage($"*{path}*not a PNG, JPEG*");
    }

    [Fact]
    public void A_picture_claiming_a_huge_size_is_refused_before_decoding()
    {
        // A PNG signature, an IHDR chunk declaring 12,000 × 9,000 pixels (108 million) and the start of an empty IDAT
        // chunk: enough for a header reader, nothing to decode.
        byte[] header = new byte[8 + 25 + 12];
        new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(header, 0);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), 13);
        "IHDR"u8.CopyTo(header.AsSpan(12));
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(16), 12_000);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(20), 9_000);
        header[24] = 8; // bit depth
        header[25] = 6; // RGBA
        "IDAT"u8.CopyTo(header.AsSpan(8 + 25 + 4));
        string path = _folder.Write("huge.png", header);

        FluentActions.Invoking(() => new ImageTransform(8, 8, ImageColorMode.Rgb).ReadFile(path))
            .Should().Throw<InvalidDataException>().WithMessage("*12000 × 9000*at most*");
    }

    [Fact]
    public void Bad_settings_are_refused_naming_them()
    {
        FluentActions.Invoking(() => new ImageTransform(0, 8, ImageColorMode.Rgb)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("width");
        FluentActions.Invoking(() => new ImageTransform(8, 5000, ImageColorMode.Rgb)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("height");
        FluentActions.Invoking(() => new ImageTransform(8, 8, ImageColorMode.Grayscale, normalization: new ChannelNormalization([0f, 0f, 0f], [1f, 1f, 1f])))
            .Should().Throw<ArgumentException>().WithParameterName("normalization");
    }

    [Fact]
    public void Normalization_statistics_are_the_channel_means_and_deviations()
    {
        // Two 1 × 2 RGB images: channel 0 holds 0, 2, 4, 6 (mean 3, deviation √5); channel 1 is constant 7.
        var images = new FloatTensor(new TensorShape(2, 2, 1, 2), [0f, 2f, 7f, 7f, 4f, 6f, 7f, 7f]);

        ChannelNormalization statistics = ChannelNormalization.Compute(images);

        statistics.Mean.Should().Equal(3f, 7f);
        statistics.StandardDeviation[0].Should().BeApproximately(MathF.Sqrt(5f), 1e-6f);
        statistics.StandardDeviation[1].Should().Be(1f, "a constant channel is only shifted");
        statistics.ApplyInPlace(images);
        images.ToArray().Should().Equal([-3f / MathF.Sqrt(5f), -1f / MathF.Sqrt(5f), 0f, 0f, 1f / MathF.Sqrt(5f), 3f / MathF.Sqrt(5f), 0f, 0f], (a, b) => Math.Abs(a - b) < 1e-6f);
        FluentActions.Invoking(() => new ChannelNormalization([0f], [0f])).Should().Throw<ArgumentException>().WithMessage("*positive*");
        FluentActions.Invoking(() => new ChannelNormalization([0f, 1f], [1f])).Should().Throw<ArgumentException>();
    }
}
