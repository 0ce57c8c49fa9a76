using ConvNet.Core.Data;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Training;

internal static class SyntheticData
{
    /// <summary>
    /// Items with three features: the item's id (so tests can see which items a batch held), then a point near
    /// one of four centres (±2, ±2) with Gaussian noise of standard deviation 0.5; the label is the centre.
    /// </summary>
    public static LabeledDataset Blobs(int count, int seed, bool withIds = true)
    {
        var random = new Random(seed);
        var inputs = new FloatTensor(count, 3);
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int label = i % 4;
            labels[i] = label;
            inputs[i, 0] = withIds ? i : 0;
            inputs[i, 1] = ((label & 1) == 0 ? -2f : 2f) + (0.5f * Gaussian(random));
            inputs[i, 2] = ((label & 2) == 0 ? -2f : 2f) + (0.5f * Gaussian(random));
        }

        return new LabeledDataset(inputs, labels);
    }

    private static float Gaussian(Random random) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
}
