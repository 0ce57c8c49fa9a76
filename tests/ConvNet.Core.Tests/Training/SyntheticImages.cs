using ConvNet.Core.Data;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Training;

internal static class SyntheticImages
{
    /// <summary>
    /// [count, 1, 8, 8] images of three kinds: a horizontal line (label 0), a vertical line (label 1) or a diagonal
    /// (label 2), at a random position, on faint uniform noise.
    /// </summary>
    public static LabeledDataset Lines(int count, int seed)
    {
        const int size = 8;
        var random = new Random(seed);
        var images = new FloatTensor(count, 1, size, size);
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int label = i % 3;
            labels[i] = label;
            for (int y = 0; y < size; y++)
            {
                for (int x = 0; x < size; x++)
                {
                    images[i, 0, y, x] = 0.2f * random.NextSingle();
                }
            }

            int position = random.Next(size);
            bool antiDiagonal = random.Next(2) == 1;
            for (int t = 0; t < size; t++)
            {
                var (y, x) = label switch
                {
                    0 => (position, t),
                    1 => (t, position),
                    _ => (t, antiDiagonal ? size - 1 - t : t),
                };
                images[i, 0, y, x] = 1f;
            }
        }

        return new LabeledDataset(images, labels);
    }
}
