using ConvNet.Core.Kernels;

namespace ConvNet.Core.Tests.Kernels;

/// <summary>
/// Adam's one-pass update against the formula written out element by element, each operation its own rounding as the
/// optimizer's whole-tensor passes took them: bit for bit, on lengths with several chunks and a tail, on one thread and all.
/// </summary>
// The thread count is process-wide: this runs alone, in the non-parallel collection.
[Collection(RunsAlone.Name)]
public sealed class AdamKernelTests : RestoresThreadCount
{
    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(40_007)]
    public void One_pass_equals_the_formula_bit_for_bit_on_any_thread_count(int length)
    {
        var random = new Random(length);
        float[] values = Random(random, length), gradients = Random(random, length), first = Random(random, length);
        float[] second = [.. Random(random, length).Select(Math.Abs)];
        (float beta1, float beta2, float correction, float learningRate, float epsilon) = (0.9f, 0.999f, 0.0199f, 0.0123f, 1e-8f);
        float[] expectedValues = (float[])values.Clone(), expectedFirst = (float[])first.Clone(), expectedSecond = (float[])second.Clone();
        for (int i = 0; i < length; i++)
        {
            float m = expectedFirst[i] * beta1;
            m = (gradients[i] * (1f - beta1)) + m;
            float square = gradients[i] * gradients[i];
            float v = expectedSecond[i] * beta2;
            v = (square * (1f - beta2)) + v;
            float denominator = MathF.Sqrt(v / correction) + epsilon;
            expectedFirst[i] = m;
            expectedSecond[i] = v;
            expectedValues[i] = ((m / denominator) * -learningRate) + expectedValues[i];
        }

        foreach (int threads in new[] { 1, ConvNetRuntime.MaxThreadCount })
        {
            ConvNetRuntime.ThreadCount = threads;
            float[] actualValues = (float[])values.Clone(), actualFirst = (float[])first.Clone(), actualSecond = (float[])second.Clone();
            AdamKernel.Update(actualValues, gradients, actualFirst, actualSecond, beta1, beta2, correction, learningRate, epsilon);
            Bits(actualFirst).Should().Equal(Bits(expectedFirst), $"first moments, {threads} threads");
            Bits(actualSecond).Should().Equal(Bits(expectedSecond), $"second moments, {threads} threads");
            Bits(actualValues).Should().Equal(Bits(expectedValues), $"values, {threads} threads");
        }
    }

    [Fact]
    public void Operands_of_different_lengths_are_refused()
    {
        Action act = () => AdamKernel.Update(new float[4], new float[3], new float[4], new float[4], 0.9f, 0.999f, 1f, 0.1f, 1e-8f);

        act.Should().Throw<ArgumentException>().WithMessage("*gradient 3*");
    }

    private static float[] Random(Random random, int length) => [.. Enumerable.Range(0, length).Select(_ => (random.NextSingle() * 2f) - 1f)];

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];
}
