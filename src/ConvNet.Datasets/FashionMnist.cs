using ConvNet.Core.Networks;
using ConvNet.Core.Optimizers;
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
    /// The recipe measured on Fashion-MNIST: <see cref="BestConvNet"/> trained with Adam (0.002) and a cosine schedule for
    /// <see cref="RecipeEpochs"/> epochs of mini-batches of 100, on batches shifted by up to 2 pixels and mirrored left to
    /// right (clothes, unlike digits, look the same mirrored), training accuracy measured on 1,000 items per epoch.
    /// </summary>
    /// <param name="seed">Seeds the weights, the shuffles and the augmentation.</param>
    public static TrainingRecipe CreateRecipe(int seed)
    {
        INetwork network = BestConvNet.Create(seed);
        var options = new TrainerOptions
        {
            Epochs = RecipeEpochs,
            BatchSize = 100,
            Seed = seed,
            TrainEvaluationSize = 1000,
            Schedule = new CosineSchedule(),
            Augmentation = new ImageAugmentation(new ImageAugmentationOptions { MaxShift = 2, HorizontalFlip = true }, seed),
        };
        return new TrainingRecipe(ModelCatalog.Best, network, new Adam(network, 0.002f), options);
    }

    /// <summary>The number of epochs of <see cref="CreateRecipe"/>.</summary>
    public const int RecipeEpochs = 15;
}
