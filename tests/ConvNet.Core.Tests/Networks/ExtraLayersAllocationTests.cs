using ConvNet.Core.Kernels;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;
using ConvNet.Core.Training;

namespace ConvNet.Core.Tests.Networks;

[Collection(RunsAlone.Name)]
public class ExtraLayersAllocationTests
{
    [Fact]
    public void Augmented_training_steps_through_every_extra_layer_and_padded_pooling_allocate_nothing_after_the_first()
    {
        Sequential network = new SequentialBuilder(new TensorShape(1, 12, 12))
            .Convolution(4, kernelSize: (3, 5), padding: 1).BatchNormalization().LeakyRelu().MaxPool(2, padding: 1)
            .AveragePool((2, 3), stride: 1, padding: 1)
            .Flatten().Affine(16).BatchNormalization().Tanh().Dropout(0.5f).Affine(12).Sigmoid().Affine(10)
            .Build(new SoftmaxWithLoss(), seed: 1);
        var augmentation = new ImageAugmentation(new ImageAugmentationOptions { MaxShift = 2, MaxRotationDegrees = 10f, HorizontalFlip = true }, seed: 1);
        FloatTensor images = TestTensors.Uniform(new Random(2), 16, 1, 12, 12);
        var augmented = new FloatTensor(images.Shape);
        int[] labels = Enumerable.Range(0, 16).Select(i => i % 10).ToArray();
        for (int step = 0; step < 2; step++)
        {
            augmentation.Apply(images, augmented);
            network.ComputeGradients(augmented, labels);
        }

        long threadBefore = GC.GetAllocatedBytesForCurrentThread();
        long workersBefore = WorkerPool.WorkerAllocatedBytes;
        for (int step = 0; step < 3; step++)
        {
            augmentation.Apply(images, augmented);
            network.ComputeGradients(augmented, labels);
        }

        (GC.GetAllocatedBytesForCurrentThread() - threadBefore).Should().Be(0);
        (WorkerPool.WorkerAllocatedBytes - workersBefore).Should().Be(0);
    }
}
