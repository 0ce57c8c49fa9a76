using ConvNet.Core.Networks;
using ConvNet.Core.Optimizers;

namespace ConvNet.Core.Training;

/// <summary>
/// A ready way to train one of the <see cref="ModelCatalog"/> networks: the freshly initialized network, its
/// optimizer and the trainer options (epochs, batch size, learning-rate schedule, augmentation).
/// Change any option with <c>recipe.Options with { Epochs = 3 }</c> before creating the trainer.
/// </summary>
/// <param name="ModelName">The catalog name of the network.</param>
/// <param name="Network">The network to train.</param>
/// <param name="Optimizer">The optimizer over the network's parameters, at its base learning rate.</param>
/// <param name="Options">How to train.</param>
public sealed record TrainingRecipe(string ModelName, INetwork Network, IOptimizer Optimizer, TrainerOptions Options)
{
    /// <summary>A trainer for this recipe's network, optimizer and options.</summary>
    public Trainer CreateTrainer() => new(Network, Optimizer, Options);
}
