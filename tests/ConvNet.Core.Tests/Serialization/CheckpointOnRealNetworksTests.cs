using System.Text.Json;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Optimizers;
using ConvNet.Core.Serialization;
using ConvNet.Core.Tensors;
using ConvNet.Core.Tests.Training;
using ConvNet.Core.Training;

namespace ConvNet.Core.Tests.Serialization;

public sealed class CheckpointOnRealNetworksTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("convnet-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static void TrainBriefly(INetwork network) =>
        new Trainer(network, new Adam(network, 0.01f), new TrainerOptions { BatchSize = 10, Iterations = 5 }).Train(SyntheticImages.Lines(30, seed: 5));

    [Fact]
    public void SimpleConvNet_round_trip_predicts_bit_identically_and_rebuilds_from_its_metadata()
    {
        SimpleConvNetOptions savedOptions = TrainerOnRealNetworksTests.SmallOptions;
        var saved = SimpleConvNet.Create(savedOptions, seed: 1);
        TrainBriefly(saved);
        string path = Path.Combine(_folder, "simple.safetensors");
        Checkpoint.Save(saved, path, new Dictionary<string, string> { ["options"] = JsonSerializer.Serialize(savedOptions) });

        var options = JsonSerializer.Deserialize<SimpleConvNetOptions>(Checkpoint.ReadMetadata(path)["options"])!;
        options.Should().Be(savedOptions);
        var loaded = SimpleConvNet.Create(options, seed: 99);
        Checkpoint.LoadInto(loaded, path);

        var images = SyntheticImages.Lines(7, seed: 6).Inputs;
        loaded.Predict(images).ToArray().Should().Equal(saved.Predict(images).ToArray());
        Checkpoint.ReadTensors(path).Keys.Should().BeEquivalentTo(
            "conv1.weight", "conv1.bias", "affine1.weight", "affine1.bias", "affine2.weight", "affine2.bias");
    }

    [Fact]
    public void Sequential_with_batch_normalization_and_dropout_round_trips_its_running_statistics()
    {
        static Sequential Build(int seed)
        {
            var convolution = new Convolution("conv1", 1, 4, 3);
            var affine = new Affine("affine1", 4 * 6 * 6, 3);
            var random = new Random(seed);
            WeightInitialization.Normal(convolution.Weight.Value, 0.3f, random);
            WeightInitialization.Normal(affine.Weight.Value, 0.1f, random);
            return new Sequential(
                new TensorShape(1, 8, 8),
                [convolution, new BatchNormalization("bn1", 4), new Relu("relu1"), new Flatten("flatten"), new Dropout("drop1", 0.3f, seed), affine],
                new SoftmaxWithLoss());
        }

        var saved = Build(1);
        TrainBriefly(saved);
        string path = Path.Combine(_folder, "bn.safetensors");
        Checkpoint.Save(saved, path);

        var loaded = Build(2);
        Checkpoint.LoadInto(loaded, path);

        var images = SyntheticImages.Lines(5, seed: 6).Inputs;
        loaded.Predict(images).ToArray().Should().Equal(saved.Predict(images).ToArray());
        var runningMean = Checkpoint.ReadTensors(path)["bn1.running_mean"].ToArray();
        runningMean.Should().Contain(value => value != 0f, "training moved the running mean away from its initial zeros");
        ((IStatefulLayer)loaded.Layers[1]).State[0].Value.ToArray().Should().Equal(runningMean);
    }
}
