using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using ConvNet.Core.Kernels;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Networks;

[Collection(RunsAlone.Name)]
public class SteadyStateAllocationTests
{
    [Fact]
    public void Training_steps_after_the_first_allocate_nothing_on_any_thread()
    {
        // The seed's network at its batch size of 100, so the multi-threaded kernel paths run.
        var network = SimpleConvNet.Create(seed: 3);
        FloatTensor images = TestTensors.Uniform(new Random(3), 100, 1, 28, 28);
        int[] labels = Enumerable.Range(0, 100).Select(i => i % 10).ToArray();
        for (int step = 0; step < 3; step++)
        {
            Step(network, images, labels);
        }

        long threadBefore = GC.GetAllocatedBytesForCurrentThread();
        long workersBefore = WorkerPool.WorkerAllocatedBytes;
        long totalBefore = GC.GetTotalAllocatedBytes(precise: true);
        for (int step = 0; step < 5; step++)
        {
            Step(network, images, labels);
        }

        long total = GC.GetTotalAllocatedBytes(precise: true) - totalBefore;
        (GC.GetAllocatedBytesForCurrentThread() - threadBefore).Should().Be(0, "the training loop's thread allocates nothing");
        (WorkerPool.WorkerAllocatedBytes - workersBefore).Should().Be(0, "the kernels' worker threads allocate nothing");

        // The process-wide count also sees the test host's own threads (about a kilobyte per second here, zero in
        // a plain console process), so it gets a bound far below one batch-sized buffer (a layer output is 6.9 MB).
        total.Should().BeLessThan(64 * 1024, "nothing allocates per step on any thread");
    }

    private static void Step(Sequential network, FloatTensor images, int[] labels)
    {
        network.ComputeGradients(images, labels);
        // An indexed loop: foreach over the IReadOnlyList would allocate an enumerator in the test itself.
        for (int i = 0; i < network.Parameters.Count; i++)
        {
            Parameter parameter = network.Parameters[i].Parameter;
            TensorPrimitives.MultiplyAdd(parameter.Gradient.ReadOnlySpan, -0.01f, parameter.Value.Span, parameter.Value.Span);
        }
    }
}

// The inference buffers are one pool for the whole process: a prediction running in another test would take them.
[Collection(RunsAlone.Name)]
public class InferenceBufferTests
{
    [Fact]
    public void A_prediction_stays_intact_after_later_predictions_reuse_the_layer_buffers()
    {
        var network = SimpleConvNet.Create(new SimpleConvNetOptions { WeightInitStandardDeviation = 0.3f }, seed: 5);
        FloatTensor first = TestTensors.Uniform(new Random(5), 3, 1, 28, 28);
        FloatTensor second = TestTensors.Uniform(new Random(6), 3, 1, 28, 28);
        FloatTensor prediction = network.Predict(first);
        float[] expected = prediction.ToArray();

        for (int call = 0; call < 3; call++)
        {
            network.Predict(second);
            network.Predict(first).ToArray().Should().Equal(expected);
        }

        prediction.ToArray().Should().Equal(expected);
    }
}
