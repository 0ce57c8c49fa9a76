using ConvNet.Core.Layers;
using ConvNet.Core.Optimizers;
using ConvNet.Core.Training;

namespace ConvNet.Core.Networks;

/// <summary>
/// The library's ready-made networks by name — <c>simple</c> (the seed's <see cref="SimpleConvNet"/>), <c>deep</c>
/// (<see cref="DeepConvNet"/>), <c>best</c> (<see cref="BestConvNet"/>) and <c>fast</c> (<see cref="FastConvNet"/>) — with the
/// recipes they are measured with.
/// Save a trained one with <see cref="Models.Model"/>: its file describes the network, so no catalog is needed to load it.
/// </summary>
public static class ModelCatalog
{
    /// <summary>
    /// The metadata key under which the sample's model files named their catalog network before model files described
    /// themselves; <see cref="Models.Model.Load(string)"/> still rebuilds such files from it.
    /// </summary>
    public const string ModelKey = "convnet.model";

    /// <summary>The seed's SimpleConvNet with its default options.</summary>
    public const string Simple = "simple";

    /// <summary>The book's DeepConvNet.</summary>
    public const string Deep = "deep";

    /// <summary>The batch-normalized network of the best recipe.</summary>
    public const string Best = "best";

    /// <summary>The small network of the fast recipe: 99 % in the least training time.</summary>
    public const string Fast = "fast";

    /// <summary>The label smoothing of the <c>best</c> recipe's loss.</summary>
    private const float BestLabelSmoothing = 0.1f;

    /// <summary>The label smoothing of the <c>fast</c> recipe's loss (its short runs end ~0.1 % higher with it).</summary>
    private const float FastLabelSmoothing = 0.1f;

    /// <summary>The known model names.</summary>
    public static IReadOnlyList<string> Names { get; } = [Simple, Deep, Best, Fast];

    /// <summary>Builds the named network, initialized from <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static INetwork Create(string name, int seed) => name switch
    {
        Simple => SimpleConvNet.Create(seed),
        Deep => DeepConvNet.Create(seed),
        Best => BestConvNet.Create(seed),
        Fast => FastConvNet.Create(seed),
        _ => throw new ArgumentException($"Unknown model '{name}'; known models: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>
    /// The named network with the training setup it is measured with, all with mini-batches drawn with
    /// <paramref name="seed"/> and training accuracy measured on 1,000 training items per epoch: <c>simple</c> trains with
    /// Adam peaking at 0.005 on a <see cref="OneCycleSchedule"/> for 15 epochs of 100 on batches shifted (±2 pixels), rotated
    /// (±10°), scaled (±10 %) and thickened or thinned (<see cref="ImageAugmentationOptions.MaxThicknessChange"/> 0.5) at
    /// random, as handwriting photographed on paper varies; <c>deep</c> with Adam (0.001, the book's rate) and a cosine
    /// schedule for 8 epochs of 100; <c>best</c> with Adam (0.002) and a cosine schedule for 13 epochs of 100 on
    /// batches augmented as <c>simple</c>'s but with strokes thickened or thinned by up to 0.8 (heavier pens), a loss with label smoothing 0.1 (<see cref="SoftmaxWithLoss.LabelSmoothing"/>),
    /// and the averaged weights kept (<see cref="TrainerOptions.WeightAveragingDecay"/> 0.999); <c>fast</c> with Adam peaking at 0.01 on a one-cycle schedule for 1,640 steps of 64 (1.75 epochs of MNIST), against labels smoothed by 0.1.
    /// </summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static TrainingRecipe CreateRecipe(string name, int seed)
    {
        INetwork network = name switch
        {
            Best => BestConvNet.CreateBuilder().Build(new SoftmaxWithLoss(BestLabelSmoothing), seed, WeightInitScheme.HeNormal),
            Fast => FastConvNet.CreateBuilder().Build(new SoftmaxWithLoss(FastLabelSmoothing), seed, WeightInitScheme.HeNormal),
            _ => Create(name, seed),
        };
        var options = new TrainerOptions { BatchSize = 100, Seed = seed, TrainEvaluationSize = 1000 };
        return name switch
        {
            Simple => new TrainingRecipe(name, network, new Adam(network, 0.005f), options with
            {
                Epochs = 15,
                Schedule = new OneCycleSchedule(),
                Augmentation = new ImageAugmentation(
                    new ImageAugmentationOptions { MaxShift = 2, MaxRotationDegrees = 10f, MaxScaleChange = 0.1f, MaxThicknessChange = 0.5f }, seed),
            }),
            Deep => new TrainingRecipe(name, network, new Adam(network, 0.001f), options with { Epochs = 8, Schedule = new CosineSchedule() }),
            Fast => new TrainingRecipe(name, network, new Adam(network, 0.01f), options with
            {
                Iterations = 1640, // 1.75 epochs of 937 batches of 64 (60,000 items)
                BatchSize = 64,
                Schedule = new OneCycleSchedule(),
            }),
            _ => new TrainingRecipe(name, network, new Adam(network, 0.002f), options with
            {
                Epochs = 13,
                WeightAveragingDecay = 0.999f,
                Schedule = new CosineSchedule(),
                // Thickness 0.8 rather than simple's 0.5: seeds 1-3 ended at 99.64 / 99.63 / 99.63 % against 99.56 / 99.64 / 99.61 %.
                Augmentation = new ImageAugmentation(
                    new ImageAugmentationOptions { MaxShift = 2, MaxRotationDegrees = 10f, MaxScaleChange = 0.1f, MaxThicknessChange = 0.8f }, seed),
            }),
        };
    }
}
