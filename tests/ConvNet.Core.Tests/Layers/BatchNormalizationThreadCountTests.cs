using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Layers;

// The thread count is process-wide: this runs alone, in the non-parallel collection.
[Collection(RunsAlone.Name)]
public sealed class BatchNormalizationThreadCountTests : RestoresThreadCount
{
    [Theory]
    [InlineData(new[] { 8, 6, 5, 7 })]
    [InlineData(new[] { 3, 32, 28, 28 })]
    [InlineData(new[] { 16, 10 })]
    public void Training_forward_and_backward_give_the_single_thread_bits_on_every_core(int[] dimensions)
    {
        // Features go to different threads, each computed in one order: the thread count must not change a bit of the
        // output, the input gradient, the parameter gradients or the running statistics.
        var shape = new TensorShape(dimensions);
        FloatTensor input = TestTensors.Uniform(new Random(1), dimensions);
        FloatTensor outputGradient = TestTensors.Uniform(new Random(2), dimensions);

        ConvNetRuntime.ThreadCount = 1;
        float[][] single = Run(shape, input, outputGradient);
        ConvNetRuntime.ThreadCount = ConvNetRuntime.MaxThreadCount;
        float[][] all = Run(shape, input, outputGradient);

        for (int result = 0; result < single.Length; result++)
        {
            all[result].Should().Equal(single[result], $"result {result} of [output, input gradient, dγ, dβ, running mean, running variance]");
        }
    }

    private static float[][] Run(TensorShape shape, FloatTensor input, FloatTensor outputGradient)
    {
        var layer = new BatchNormalization("bn", shape[1]);
        float[] output = layer.Forward(input, training: true).ToArray();
        float[] inputGradient = layer.Backward(outputGradient).ToArray();
        return
        [
            output, inputGradient, layer.Parameters[0].Gradient.ToArray(), layer.Parameters[1].Gradient.ToArray(),
            layer.State[0].Value.ToArray(), layer.State[1].Value.ToArray(),
        ];
    }
}
