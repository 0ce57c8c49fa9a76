using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests;

/// <summary>Random test inputs shaped to suit finite-difference checks.</summary>
internal static class TestTensors
{
    /// <summary>Values uniform in [−1, 1].</summary>
    public static FloatTensor Uniform(Random random, params int[] dimensions)
    {
        var tensor = new FloatTensor(new TensorShape(dimensions));
        Span<float> values = tensor.Span;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2.0) - 1.0);
        }

        return tensor;
    }

    /// <summary>Values with magnitude in [0.1, 1] and random sign: further than any small ε from ReLU's kink.</summary>
    public static FloatTensor AwayFromZero(Random random, params int[] dimensions)
    {
        FloatTensor tensor = Uniform(random, dimensions);
        Span<float> values = tensor.Span;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = MathF.CopySign(0.1f + (0.9f * MathF.Abs(values[i])), values[i]);
        }

        return tensor;
    }

    /// <summary>All values distinct, 0.05 apart, shuffled: every max-pooling window has a clear winner.</summary>
    public static FloatTensor Distinct(Random random, params int[] dimensions)
    {
        var tensor = new FloatTensor(new TensorShape(dimensions));
        Span<float> values = tensor.Span;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (i - (values.Length / 2)) * 0.05f;
        }

        random.Shuffle(values);
        return tensor;
    }
}
