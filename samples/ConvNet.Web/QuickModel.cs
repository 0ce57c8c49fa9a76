using ConvNet.Core.Data;
using ConvNet.Core.Networks;
using ConvNet.Core.Optimizers;
using ConvNet.Core.Training;

namespace ConvNet.Web;

/// <summary>
/// The model the app trains when it has none: the seed's SimpleConvNet, one pass of Adam (0.002, cosine decay) in
/// mini-batches of 100 — about 97 % on MNIST's test set from all 60,000 training images, in seconds on two cores.
/// </summary>
internal static class QuickModel
{
    /// <summary>Trains a new SimpleConvNet on the first <paramref name="images"/> items of <paramref name="training"/>.</summary>
    /// <returns>The network and its accuracy on <paramref name="test"/>.</returns>
    public static (INetwork Network, double TestAccuracy) Train(LabeledDataset training, LabeledDataset test, int images, int seed)
    {
        var network = new SimpleConvNet(new SimpleConvNetOptions(), seed);
        var options = new TrainerOptions { Epochs = 1, BatchSize = 100, Seed = seed, Schedule = new CosineSchedule(), TrainEvaluationSize = 1000 };
        TrainingHistory history = new Trainer(network, new Adam(network, learningRate: 0.002f), options)
            .Train(training.Take(Math.Min(images, training.Count)), test);
        return (network, history.TestAccuracies[^1]);
    }
}
