using ConvNet.Core.Tensors;
using ConvNet.Core.Training;

namespace ConvNet.Core.Tests.Training;

public class ShiftRotateAugmentationTests
{
    private static readonly TensorShape BatchShape = new(6, 2, 7, 9);

    [Fact]
    public void No_shift_and_no_rotation_copies_the_batch()
    {
        FloatTensor source = TestTensors.Uniform(new Random(1), BatchShape.ToArray());
        var destination = new FloatTensor(BatchShape);

        new ShiftRotateAugmentation(0, 0f, seed: 1).Apply(source, destination);

        destination.ToArray().Should().Equal(source.ToArray());
    }

    [Fact]
    public void Shifts_move_every_channel_of_an_image_by_the_same_whole_pixels_within_the_limit()
    {
        FloatTensor source = TestTensors.Uniform(new Random(1), BatchShape.ToArray());
        var destination = new FloatTensor(BatchShape);

        new ShiftRotateAugmentation(2, 0f, seed: 4).Apply(source, destination);

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

        ShiftRotateAugmentation.Warp(source, destination, 3, 3, 0f, 0f, MathF.PI / 2f);

        destination[(2 * 3) + 1].Should().BeApproximately(1f, 1e-5f); // (x 1, y 2): below the centre.
        destination.Sum().Should().BeApproximately(1f, 1e-5f);
    }

    [Fact]
    public void A_half_pixel_shift_interpolates_between_neighbours()
    {
        float[] source = [0f, 2f, 4f];
        var destination = new float[3];

        ShiftRotateAugmentation.Warp(source, destination, 1, 3, 0.5f, 0f, 0f);

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
        new ShiftRotateAugmentation(0, 15f, seed: 2).Apply(source, destination);

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

        new ShiftRotateAugmentation(2, 10f, seed: 9).Apply(source, first);
        new ShiftRotateAugmentation(2, 10f, seed: 9).Apply(source, second);
        new ShiftRotateAugmentation(2, 10f, seed: 10).Apply(source, other);

        second.ToArray().Should().Equal(first.ToArray());
        other.ToArray().Should().NotEqual(first.ToArray());
        source.ToArray().Should().Equal(before);
    }

    [Fact]
    public void Mismatched_shapes_are_rejected_with_both_shapes()
    {
        FluentActions.Invoking(() => new ShiftRotateAugmentation(2, 10f, seed: 1).Apply(new FloatTensor(BatchShape), new FloatTensor(6, 2, 7, 8)))
            .Should().Throw<ArgumentException>().WithMessage("*[6, 2, 7, 9]*[6, 2, 7, 8]*");
    }

    [Fact]
    public void Limits_out_of_range_are_rejected()
    {
        FluentActions.Invoking(() => new ShiftRotateAugmentation(-1, 10f, seed: 1)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new ShiftRotateAugmentation(2, 181f, seed: 1)).Should().Throw<ArgumentOutOfRangeException>()
            .WithParameterName("maxRotationDegrees");
    }

    private static bool ChannelsAreShifted(FloatTensor source, FloatTensor destination, int item, int dx, int dy)
    {
        for (int channel = 0; channel < BatchShape[1]; channel++)
        {
            for (int y = 0; y < BatchShape[2]; y++)
            {
                for (int x = 0; x < BatchShape[3]; x++)
                {
                    int fromX = x - dx;
                    int fromY = y - dy;
                    bool inside = fromX >= 0 && fromX < BatchShape[3] && fromY >= 0 && fromY < BatchShape[2];
                    float expected = inside ? source[item, channel, fromY, fromX] : 0f;
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
