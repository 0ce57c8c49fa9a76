using ConvNet.Core.Data;
using ConvNet.Core.Tensors;

namespace ConvNet.Onnx.Tests;

/// <summary>Random 1×28×28 images in [0, 1) with random labels, for tests that compare two code paths on the same input.</summary>
internal static class SyntheticImages
{
    public static LabeledDataset Create(int count, int seed)
    {
        var random = new Random(seed);
        var images = new FloatTensor(count, 1, 28, 28);
        foreach (ref float pixel in images.Span)
        {
            pixel = random.NextSingle();
        }

        return new LabeledDataset(images, [.. Enumerable.Range(0, count).Select(_ => random.Next(10))]);
    }
}
