using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Optimizers;
using ConvNet.Core.Tensors;
using ConvNet.Core.Training;

namespace ConvNet.Datasets;

/// <summary>
/// Fashion-MNIST (Zalando Research): 28×28 grey pictures of ten kinds of clothing in MNIST's files and layout, the
/// second built-in dataset, with its class names and a training recipe.
/// </summary>
/// <remarks>
/// On Debian and Ubuntu <c>sudo apt-get install dataset-fashion-mnist</c> installs the four files in
/// <see cref="MnistDataset.DebianFashionMnistFolder"/>; any folder holding the four files (raw or <c>.gz</c>) loads too.
/// </remarks>
public static class FashionMnist
{
    /// <summary>The class names in label order (label 7 is <c>Sneaker</c>), as torchvision names them.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Loads the training (60,000) and test (10,000) pictures.</summary>
    /// <param name="folder">The folder with the four files; null for <see cref="MnistDataset.DebianFashionMnistFolder"/>.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist (the message says how to install it).</exception>
    /// <exception cref="FileNotFoundException">One of the four files is missing.</exception>
    /// <exception cref="InvalidDataException">A file is malformed.</exception>
    public static MnistDataset Load(string? folder = null) => MnistDataset.Load(folder ?? MnistDataset.DebianFashionMnistFolder);

    /// <summary>
    /// The recipe measured on Fashion-MNIST: a wider <see cref="BestConvNet"/> (named <c>wide</c>) trained with Adam
    /// (0.002) and a cosine schedule for <see cref="RecipeEpochs"/> epochs of mini-batches of 100, on batches shifted by
    /// up to 2 pixels and mirrored left to right (clothes, unlike digits, look the same mirrored), training accuracy
    /// measured on 1,000 items per epoch.
    /// </summary>
    /// <remarks>
    /// The network keeps <see cref="BestConvNet"/>'s first two blocks, then a third convolution twice as wide whose 7 × 7
    /// maps are kept whole (garments differ in details that a third pooling would halve: a shirt's collar, a pullover's
    /// cuffs) and a hidden layer twice as wide. Shapes: [N, 1, 28, 28] → conv1 5×5 (32, pad 2) → pool1 [N, 32, 14, 14]
    /// → conv2 3×3 (64, pad 1) → pool2 [N, 64, 7, 7] → conv3 3×3 (128, pad 1) [N, 128, 7, 7] → affine1 [N, 256] →
    /// affine2 [N, 10]; each convolution and affine1 is followed by batch normalization and ReLU, and affine1's ReLU by
    /// dropout (<see cref="BestConvNet.DropoutRate"/>). He-normal initialization.
    /// </remarks>
    /// <param name="seed">Seeds the weights, the shuffles and the augmentation.</param>
    public static TrainingRecipe CreateRecipe(int seed)
    {
        INetwork network = CreateBuilder().Build(new SoftmaxWithLoss(), seed, WeightInitScheme.HeNormal);
        var options = new TrainerOptions
        {
            Epochs = RecipeEpochs,
            BatchSize = 100,
            Seed = seed,
            TrainEvaluationSize = 1000,
            Schedule = new CosineSchedule(),
            Augmentation = new ImageAugmentation(new ImageAugmentationOptions { MaxShift = 2, HorizontalFlip = true }, seed),
        };
        return new TrainingRecipe(NetworkName, network, new Adam(network, 0.002f), options);
    }

    /// <summary>The network of <see cref="CreateRecipe"/> (its remarks give the shapes).</summary>
    internal static SequentialBuilder CreateBuilder() =>
        new SequentialBuilder(new TensorShape(1, 28, 28))
            .Convolution(32, kernelSize: 5, padding: 2).BatchNormalization().Relu().MaxPool(2)
            .Convolution(64, kernelSize: 3, padding: 1).BatchNormalization().Relu().MaxPool(2)
            .Convolution(128, kernelSize: 3, padding: 1).BatchNormalization().Relu()
            .Affine(256).BatchNormalization().Relu().Dropout(BestConvNet.DropoutRate)
            .Affine(ClassNames.Count);

    /// <summary>The name <see cref="CreateRecipe"/> gives its network (the sample saves <c>fashion-mnist-wide</c>).</summary>
    internal const string NetworkName = "wide";

    /// <summary>The number of epochs of <see cref="CreateRecipe"/>.</summary>
    public const int RecipeEpochs = 15;
}
