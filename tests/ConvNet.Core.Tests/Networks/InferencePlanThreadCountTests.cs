using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;
using ConvNet.Core.Tests.Models;

namespace ConvNet.Core.Tests.Networks;

// The thread count is process-wide: this runs alone, in the non-parallel collection.
[Collection(RunsAlone.Name)]
public sealed class InferencePlanThreadCountTests : RestoresThreadCount
{
    [Fact]
    public void Batches_split_over_the_cores_give_the_single_thread_bits()
    {
        // A single image's bands and its affine layers' depth blocks go to different threads (the blocks' chains are added
        // in order afterwards), a batch's images and rows too; each value is still computed in one order, so the thread
        // count must not change a bit.
        Sequential network = SimpleConvNet.Create(seed: 2);
        TestModels.Randomize(network, seed: 2);
        foreach (int batchSize in new[] { 1, 2, 4, 100 })
        {
            FloatTensor input = TestTensors.Uniform(new Random(batchSize), batchSize, 1, 28, 28);
            ConvNetRuntime.ThreadCount = 1;
            float[] single = network.Predict(input).ToArray();
            ConvNetRuntime.ThreadCount = ConvNetRuntime.MaxThreadCount;
            network.Predict(input).ToArray().Should().Equal(single, $"batch {batchSize}");
        }
    }
}
