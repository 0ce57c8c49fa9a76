using ConvNet.Core.Networks;
using ConvNet.Core.Optimizers;
using ConvNet.Core.Training;

namespace ConvNet.Core.Tests.Training;

public class TrainerOnRealNetworksTests
{
    internal static readonly SimpleConvNetOptions SmallOptions = new()
    {
        InputHeight = 8, InputWidth = 8, FilterCount = 6, FilterSize = 3, HiddenSize = 16, OutputSize = 3, WeightInitStandardDeviation = 0.1f,
    };

    [Theory]
    [InlineData("adam", 0.01f)]
    [InlineData("momentum", 0.05f)]
    public void SimpleConvNet_learns_to_tell_line_directions_apart(string optimizerName, float learningRate)
    {
        var network = SimpleConvNet.Create(SmallOptions, seed: 1);
        Optimizer optimizer = optimizerName == "adam" ? new Adam(network, learningRate) : new Momentum(network, learningRate);
        var trainer = new Trainer(network, optimizer, new TrainerOptions { Epochs = 15, BatchSize = 20, Seed = 2 });

        var history = trainer.Train(SyntheticImages.Lines(240, seed: 3), SyntheticImages.Lines(60, seed: 4));

        history.Epochs[0].Loss.Should().BeGreaterThan(0.5, "an untrained 3-class network starts near ln 3");
        history.Epochs[^1].Loss.Should().BeLessThan(0.1);
        history.Epochs[^1].TestAccuracy.Should().BeGreaterThanOrEqualTo(0.95);
    }

    [Fact]
    public void The_seed_recipe_updates_all_six_parameters()
    {
        var network = SimpleConvNet.Create(SmallOptions, seed: 1);
        var before = network.Parameters.Select(named => named.Parameter.Value.ToArray()).ToArray();
        new Trainer(network, new Sgd(network, 0.1f), new TrainerOptions { BatchSize = 20, Iterations = 30 }).Train(SyntheticImages.Lines(100, seed: 3));

        network.Parameters.Should().HaveCount(6);
        for (int i = 0; i < 6; i++)
        {
            network.Parameters[i].Parameter.Value.ToArray().Should().NotEqual(before[i], network.Parameters[i].Name);
        }
    }
}
