using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Optimizers;
using ConvNet.Core.Tensors;
using ConvNet.Core.Training;
using ConvNet.Core.Tests.Data;
using ConvNet.Datasets.Images;

namespace ConvNet.Datasets.Tests.Images;

public sealed class ImageFolderTrainingTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_network_learns_coloured_shapes_from_a_folder_of_pictures()
    {
        // 3 classes × 100 pictures, 32 × 32 RGB, PNG and JPEG; 20 % of each class held out for validation.
        SyntheticShapes.Write(_folder.Path, perClass: 100);
        ImageFolderDataset data = ImageFolderDataset.Load(_folder.Path, new ImageFolderOptions { Seed = 1 });
        data.ClassNames.Should().Equal(SyntheticShapes.ClassNames);
        data.Train.Inputs.Shape.Should().Be(new TensorShape(240, 3, 32, 32));

        Sequential network = BestConvNet.CreateBuilder(data.Transform.ItemShape, data.ClassNames.Count).Build(new SoftmaxWithLoss(), seed: 1);
        var options = new TrainerOptions
        {
            Epochs = 6,
            BatchSize = 20,
            Seed = 1,
            Schedule = new CosineSchedule(),
            Augmentation = new ImageAugmentation(new ImageAugmentationOptions { MaxShift = 2, HorizontalFlip = true }, seed: 1),
        };
        TrainingHistory history = new Trainer(network, new Adam(network, 0.002f), options).Train(data.Train, data.Validation);

        history.TestAccuracies[^1].Should().BeGreaterThanOrEqualTo(0.9, "the classes differ in shape and hue");
    }
}
