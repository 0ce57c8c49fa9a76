namespace ConvNet.Datasets.DigitImages;

/// <summary>One 8-connected region of ink pixels.</summary>
/// <param name="Label">Its number in the label image (1 and up).</param>
/// <param name="Area">How many pixels it has.</param>
/// <param name="Box">Its bounding box.</param>
/// <param name="InkSum">The sum of its pixels' ink strengths.</param>
/// <param name="TouchesBorder">Whether it reaches the picture's edge.</param>
internal sealed record InkComponent(int Label, int Area, PixelBox Box, double InkSum, bool TouchesBorder)
{
    public double MeanInk => InkSum / Area;
}

/// <summary>Labels the 8-connected regions of a mask (two passes over the rows with union–find).</summary>
internal static class ConnectedComponents
{
    /// <summary>The label of every pixel (0 where the mask is off) and each region's measurements.</summary>
    public static (int[] Labels, IReadOnlyList<InkComponent> Components) Find(GrayImage ink, float threshold)
    {
        int width = ink.Width, height = ink.Height;
        var labels = new int[width * height];
        var parents = new List<int> { 0 };
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int index = (y * width) + x;
                if (ink.Pixels[index] < threshold)
                {
                    continue;
                }

                // Neighbours already visited: left, upper-left, up, upper-right.
                int label = 0;
                label = Join(parents, label, x > 0 ? labels[index - 1] : 0);
                label = Join(parents, label, x > 0 && y > 0 ? labels[index - width - 1] : 0);
                label = Join(parents, label, y > 0 ? labels[index - width] : 0);
                label = Join(parents, label, x < width - 1 && y > 0 ? labels[index - width + 1] : 0);
                if (label == 0)
                {
                    label = parents.Count;
                    parents.Add(label);
                }

                labels[index] = label;
            }
        }

        // Second pass: every pixel takes its root, renumbered 1, 2, … in order of first appearance.
        var numbers = new int[parents.Count];
        var areas = new List<int> { 0 };
        var boxes = new List<PixelBox> { default };
        var sums = new List<double> { 0 };
        var borders = new List<bool> { false };
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int index = (y * width) + x;
                if (labels[index] == 0)
                {
                    continue;
                }

                int root = Root(parents, labels[index]);
                if (numbers[root] == 0)
                {
                    numbers[root] = areas.Count;
                    areas.Add(0);
                    boxes.Add(new PixelBox(x, y, x, y));
                    sums.Add(0);
                    borders.Add(false);
                }

                int number = numbers[root];
                labels[index] = number;
                areas[number]++;
                boxes[number] = boxes[number].Union(new PixelBox(x, y, x, y));
                sums[number] += ink.Pixels[index];
                borders[number] |= x == 0 || y == 0 || x == width - 1 || y == height - 1;
            }
        }

        var components = new List<InkComponent>(areas.Count - 1);
        for (int number = 1; number < areas.Count; number++)
        {
            components.Add(new InkComponent(number, areas[number], boxes[number], sums[number], borders[number]));
        }

        return (labels, components);
    }

    private static int Join(List<int> parents, int label, int neighbour)
    {
        if (neighbour == 0)
        {
            return label;
        }

        int root = Root(parents, neighbour);
        if (label == 0)
        {
            return root;
        }

        int other = Root(parents, label);
        int smaller = Math.Min(root, other);
        parents[root] = smaller;
        parents[other] = smaller;
        return smaller;
    }

    private static int Root(List<int> parents, int label)
    {
        while (parents[label] != label)
        {
            parents[label] = parents[parents[label]];
            label = parents[label];
        }

        return label;
    }
}
