using ConvNet.Core.Networks;
using ConvNet.Core.Optimizers;
using ConvNet.Core.Serialization;
using ConvNet.Core.Tests.Data;
using ConvNet.Core.Training;
using Xunit.Abstractions;

namespace ConvNet.Core.Tests.Training;

[Trait("Category", "Integration")]
public sealed class MnistTrainingIntegrationTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("convnet-mnist-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Two_epochs_on_10k_images_pass_95_percent_and_survive_a_checkpoint()
    {
        var mnist = await TestData.MnistAsync();
        var network = SimpleConvNet.Create(seed: 1);
        var trainer = new Trainer(network, new Adam(network, 0.001f), new TrainerOptions { Epochs = 2, BatchSize = 20, Seed = 1, TrainEvaluationSize = 0 });

        var history = trainer.Train(mnist.Train.Take(10_000), mnist.Test);

        history.Epochs.Should().HaveCount(2);
        var epoch = history.Epochs[^1];
        output.WriteLine($"loss {epoch.Loss:0.000}, test accuracy {epoch.TestAccuracy:P2}, {epoch.Seconds:0.0} s of training");

        // A broken layer, optimizer or shuffle stays far below this (chance is 10 %, a linear model ~92 %).
        epoch.TestAccuracy.Should().BeGreaterThanOrEqualTo(0.95);

        string path = Path.Combine(_folder, "mnist.safetensors");
        Checkpoint.Save(network, path);
        var loaded = SimpleConvNet.Create(seed: 2);
        Checkpoint.LoadInto(loaded, path);
        var matrix = ConfusionMatrix.Compute(loaded, mnist.Test);
        output.WriteLine(matrix.ToString());
        matrix.Accuracy.Should().Be(epoch.TestAccuracy, "the reloaded network predicts exactly like the trained one");
    }
}
