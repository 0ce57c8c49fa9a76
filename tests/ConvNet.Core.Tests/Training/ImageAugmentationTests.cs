using ConvNet.Core.Kernels;
using ConvNet.Core.Tensors;
using ConvNet.Core.Training;

namespace ConvNet.Core.Tests.Training;

public class ImageAugmentationTests
{
    private static readonly TensorShape BatchShape = new(6, 2, 7, 9);

    [Fact]
    public void No_shift_and_no_rotation_copies_the_batch()
    {
        FloatTensor source = TestTensors.Uniform(new Random(1), BatchShape.ToArray());
        var destination = new FloatTensor(BatchShape);

        new ImageAugmentation(new ImageAugmentationOptions(), seed: 1).Apply(source, destination);

        destination.ToArray().Should().Equal(source.ToArray());
    }

    [Fact]
    public void Shifts_move_every_channel_of_an_image_by_the_same_whole_pixels_within_the_limit()
    {
        FloatTensor source = TestTensors.Uniform(new Random(1), BatchShape.ToArray());
        var destination = new FloatTensor(BatchShape);

        Augmentation(maxShift: 2, seed: 4).Apply(source, destination);

        var shifts = new HashSet<(int, int)>();
        for (int item = 0; item < BatchShape[0]; item++)
        {
            var matching = Enumerable.Range(-2, 5)
                .SelectMany(dy => Enumerable.Range(-2, 5).Select(dx => (dx, dy)))
                .Where(shift => ChannelsAreShifted(source, destination, item, shift.dx, shift.dy))
                .ToList();
            matching.Should().ContainSingle($"item {item} must be one shift of its source");
            shifts.Add(matching[0]);
        }

        shifts.Count.Should().BeGreaterThan(1, "the shift is drawn per image");
    }

    [Fact]
    public void A_quarter_turn_moves_the_right_neighbour_of_the_centre_below_it()
    {
        var source = new float[9];
        source[(1 * 3) + 2] = 1f; // (x 2, y 1): right of the centre.
        var destination = new float[9];

        ImageAugmentation.Warp(source, destination, 3, 3, 0f, 0f, MathF.PI / 2f);

        destination[(2 * 3) + 1].Should().BeApproximately(1f, 1e-5f); // (x 1, y 2): below the centre.
        destination.Sum().Should().BeApproximately(1f, 1e-5f);
    }

    [Fact]
    public void A_half_pixel_shift_interpolates_between_neighbours()
    {
        float[] source = [0f, 2f, 4f];
        var destination = new float[3];

        ImageAugmentation.Warp(source, destination, 1, 3, 0.5f, 0f, 0f);

        destination.Should().Equal(0f, 1f, 3f);
    }

    [Fact]
    public void Small_rotations_keep_a_centred_blob_nearly_intact()
    {
        var shape = new TensorShape(20, 1, 28, 28);
        var source = new FloatTensor(shape);
        for (int item = 0; item < 20; item++)
        {
            for (int y = 10; y < 18; y++)
            {
                for (int x = 10; x < 18; x++)
                {
                    source[item, 0, y, x] = 1f;
                }
            }
        }

        var destination = new FloatTensor(shape);
        Augmentation(maxRotation: 15f, seed: 2).Apply(source, destination);

        for (int item = 0; item < 20; item++)
        {
            float mass = destination.SliceBatch(item, 1).ToArray().Sum();
            mass.Should().BeApproximately(64f, 1.5f);
        }

        destination.ToArray().Should().NotEqual(source.ToArray());
    }

    [Fact]
    public void The_same_seed_gives_the_same_batches_and_the_source_is_untouched()
    {
        FloatTensor source = TestTensors.Uniform(new Random(1), BatchShape.ToArray());
        float[] before = source.ToArray();
        var first = new FloatTensor(BatchShape);
        var second = new FloatTensor(BatchShape);
        var other = new FloatTensor(BatchShape);

        Augmentation(maxShift: 2, maxRotation: 10f, seed: 9).Apply(source, first);
        Augmentation(maxShift: 2, maxRotation: 10f, seed: 9).Apply(source, second);
        Augmentation(maxShift: 2, maxRotation: 10f, seed: 10).Apply(source, other);

        second.ToArray().Should().Equal(first.ToArray());
        other.ToArray().Should().NotEqual(first.ToArray());
        source.ToArray().Should().Equal(before);
    }

    [Fact]
    public void Scaling_about_the_centre_doubles_the_distance_of_a_point_from_it()
    {
        var source = new float[25];
        source[(2 * 5) + 3] = 1f; // (x 3, y 2): one right of the centre.
        var destination = new float[25];

        ImageAugmentation.Warp(source, destination, 5, 5, 0f, 0f, 0f, scale: 2f);

        destination[(2 * 5) + 4].Should().BeApproximately(1f, 1e-6f, "two right of the centre samples the source one right of it");
        destination[(2 * 5) + 2].Should().Be(0f, "the centre stays dark");
    }

    [Fact]
    public void Thickening_widens_a_bright_stroke_by_its_fraction_and_thinning_darkens_its_edge()
    {
        // A vertical stroke, 1 at x 2 and 0.5 at x 3, in a 4 × 5 plane.
        var plane = new float[20];
        for (int y = 0; y < 4; y++)
        {
            plane[(y * 5) + 2] = 1f;
            plane[(y * 5) + 3] = 0.5f;
        }

        float[] thicker = [.. plane];
        StrokeThickness.Change(thicker, new float[20], 4, 5, 0.5f);
        float[] thinner = [.. plane];
        StrokeThickness.Change(thinner, new float[20], 4, 5, -1f);

        thicker[(1 * 5) + 1].Should().Be(0.5f, "half-way to the stroke's 1 beside it");
        thicker[(1 * 5) + 3].Should().Be(0.75f, "half-way from 0.5 to the 1 beside it");
        thicker[(1 * 5) + 4].Should().Be(0.25f);
        thicker[(1 * 5) + 0].Should().Be(0f, "two pixels from the stroke");
        thicker[(1 * 5) + 2].Should().Be(1f);
        thinner[(1 * 5) + 2].Should().Be(0f, "a full erosion takes the darkest neighbour");
        thinner.Sum().Should().Be(0f, "a two-pixel stroke erodes away at full strength");
    }

    [Fact]
    public void Scale_and_thickness_changes_vary_per_image_and_keep_a_blank_image_blank()
    {
        FloatTensor source = TestTensors.Uniform(new Random(5), 8, 1, 12, 12);
        var destination = new FloatTensor(source.Shape);
        var options = new ImageAugmentationOptions { MaxScaleChange = 0.2f, MaxThicknessChange = 1f };

        new ImageAugmentation(options, seed: 2).Apply(source, destination);

        float[] output = destination.ToArray();
        float[] input = source.ToArray();
        Enumerable.Range(0, 8).Select(item => output[(item * 144)..((item + 1) * 144)].Sum() - input[(item * 144)..((item + 1) * 144)].Sum())
            .Distinct().Should().HaveCount(8, "each image gets its own change");
        var blank = new FloatTensor(source.Shape);
        new ImageAugmentation(options, seed: 2).Apply(new FloatTensor(source.Shape), blank);
        blank.ToArray().Should().OnlyContain(value => value == 0f);
    }

    [Fact]
    public void Mismatched_shapes_are_rejected_with_both_shapes()
    {
        FluentActions.Invoking(() => Augmentation(maxShift: 2, maxRotation: 10f, seed: 1).Apply(new FloatTensor(BatchShape), new FloatTensor(6, 2, 7, 8)))
            .Should().Throw<ArgumentException>().WithMessage("*[6, 2, 7, 9]*[6, 2, 7, 8]*");
    }

    [Fact]
    public void Limits_out_of_range_are_rejected()
    {
        FluentActions.Invoking(() => Augmentation(maxShift: -1, seed: 1)).Should().Throw<ArgumentOutOfRangeException>()
            .WithParameterName(nameof(ImageAugmentationOptions.MaxShift));
        FluentActions.Invoking(() => Augmentation(maxRotation: 181f, seed: 1)).Should().Throw<ArgumentOutOfRangeException>()
            .WithParameterName(nameof(ImageAugmentationOptions.MaxRotationDegrees));
        FluentActions.Invoking(() => new ImageAugmentation(new ImageAugmentationOptions { MaxScaleChange = 0.6f }, seed: 1))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(ImageAugmentationOptions.MaxScaleChange));
        FluentActions.Invoking(() => new ImageAugmentation(new ImageAugmentationOptions { MaxThicknessChange = -0.1f }, seed: 1))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(ImageAugmentationOptions.MaxThicknessChange));
        FluentActions.Invoking(() => new ImageAugmentation(new ImageAugmentationOptions { Fill = float.NaN }, seed: 1))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(ImageAugmentationOptions.Fill));
    }

    [Fact]
    public void Flips_mirror_about_half_of_the_colour_images_left_to_right_and_copy_the_others()
    {
        FloatTensor source = TestTensors.Uniform(new Random(3), 40, 3, 5, 8);
        var destination = new FloatTensor(source.Shape);

        new ImageAugmentation(new ImageAugmentationOptions { HorizontalFlip = true }, seed: 5).Apply(source, destination);

        int mirrored = 0;
        for (int item = 0; item < 40; item++)
        {
            bool flipped = ChannelsAreShifted(source, destination, item, 0, 0, mirrored: true);
            (flipped || ChannelsAreShifted(source, destination, item, 0, 0)).Should().BeTrue($"item {item} is either copied or mirrored");
            mirrored += flipped ? 1 : 0;
        }

        mirrored.Should().BeInRange(10, 30);
    }

    [Fact]
    public void A_random_crop_with_padding_shifts_and_mirrors_rectangular_colour_images_filling_the_border()
    {
        FloatTensor source = TestTensors.Uniform(new Random(6), 30, 3, 6, 11);
        var destination = new FloatTensor(source.Shape);
        const float fill = -0.5f;

        new ImageAugmentation(new ImageAugmentationOptions { MaxShift = 3, HorizontalFlip = true, Fill = fill }, seed: 7).Apply(source, destination);

        var seen = new HashSet<(int, int, bool)>();
        for (int item = 0; item < 30; item++)
        {
            var matching = (from dy in Enumerable.Range(-3, 7)
                            from dx in Enumerable.Range(-3, 7)
                            from mirrored in new[] { false, true }
                            where ChannelsAreShifted(source, destination, item, dx, dy, mirrored, fill)
                            select (dx, dy, mirrored)).ToList();
            matching.Should().ContainSingle($"item {item} must be one shift (and flip) of its source");
            seen.Add(matching[0]);
        }

        seen.Select(move => move.Item1).Distinct().Count().Should().BeGreaterThan(3);
        seen.Select(move => move.Item3).Distinct().Should().HaveCount(2);
    }

    [Fact]
    public void The_bilinear_path_mirrors_and_moves_like_the_whole_pixel_path()
    {
        float[] source = [.. Enumerable.Range(0, 4 * 5).Select(i => (float)i)];
        var warped = new float[20];

        ImageAugmentation.Warp(source, warped, 4, 5, 1f, -1f, 0f, flip: true, fill: 9f);

        var shape = new TensorShape(1, 1, 4, 5);
        ChannelsAreShifted(new FloatTensor(shape, source), new FloatTensor(shape, warped), 0, 1, -1, mirrored: true, fill: 9f).Should().BeTrue();
    }

    private static ImageAugmentation Augmentation(int maxShift = 0, float maxRotation = 0f, int seed = 1) =>
        new(new ImageAugmentationOptions { MaxShift = maxShift, MaxRotationDegrees = maxRotation }, seed);

    /// <summary>Whether every channel of <paramref name="item"/> is its source (mirrored when asked) moved by (dx, dy), <paramref name="fill"/> around.</summary>
    private static bool ChannelsAreShifted(FloatTensor source, FloatTensor destination, int item, int dx, int dy, bool mirrored = false, float fill = 0f)
    {
        TensorShape shape = source.Shape;
        for (int channel = 0; channel < shape[1]; channel++)
        {
            for (int y = 0; y < shape[2]; y++)
            {
                for (int x = 0; x < shape[3]; x++)
                {
                    int fromX = x - dx;
                    int fromY = y - dy;
                    bool inside = fromX >= 0 && fromX < shape[3] && fromY >= 0 && fromY < shape[2];
                    float expected = inside ? source[item, channel, fromY, mirrored ? shape[3] - 1 - fromX : fromX] : fill;
                    if (destination[item, channel, y, x] != expected)
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }
}
