using ConvNet.Datasets.DigitImages;

namespace ConvNet.Datasets.Tests.DigitImages;

public sealed class ConnectedComponentsTests
{
    [Fact]
    public void Finds_each_8_connected_region_with_its_area_box_and_border_contact()
    {
        // A "U" (joined only at the bottom: the first pass sees two labels and must merge them), a diagonal pair
        // touching at a corner, and a pixel on the right edge.
        string[] rows =
        [
            "#..#.....",
            "#..#..#..",
            "####...#.",
            "........#",
        ];
        GrayImage mask = Mask(rows);

        (int[] labels, IReadOnlyList<InkComponent> components) = ConnectedComponents.Find(mask, 0.5f);

        components.Should().HaveCount(2);
        components[0].Area.Should().Be(8);
        components[0].Box.Should().Be(new PixelBox(0, 0, 3, 2));
        components[0].TouchesBorder.Should().BeTrue();
        components[1].Area.Should().Be(3, "diagonal neighbours are connected");
        components[1].Box.Should().Be(new PixelBox(6, 1, 8, 3));
        labels[0].Should().Be(labels[3]).And.Be(1);
        labels[(1 * 9) + 6].Should().Be(2);
        labels[1].Should().Be(0);
    }

    [Fact]
    public void Sums_the_ink_strength_of_each_region()
    {
        var ink = new GrayImage(3, 1, [0.6f, 0.9f, 0.1f]);

        (_, IReadOnlyList<InkComponent> components) = ConnectedComponents.Find(ink, 0.5f);

        components.Should().ContainSingle().Which.InkSum.Should().BeApproximately(1.5, 1e-6);
    }

    private static GrayImage Mask(string[] rows)
    {
        var mask = new GrayImage(rows[0].Length, rows.Length);
        for (int y = 0; y < rows.Length; y++)
        {
            for (int x = 0; x < rows[y].Length; x++)
            {
                mask[x, y] = rows[y][x] == '#' ? 1f : 0f;
            }
        }

        return mask;
    }
}
