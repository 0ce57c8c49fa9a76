using ConvNet.Core.Data;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Optimizers;
using ConvNet.Core.Models;
using ConvNet.Core.Tensors;
using ConvNet.Core.Training;

namespace ConvNet.Core.Tests.Networks;

public class DeepConvNetTests
{
    [Fact]
    public void Has_the_books_layers_and_shapes()
    {
        Sequential network = DeepConvNet.Create(seed: 1);

        network.Layers.Select(layer => layer.Name).Should().Equal(
            "conv1", "relu1", "conv2", "relu2", "pool1", "conv3", "relu3", "conv4", "relu4", "pool2",
            "conv5", "relu5", "conv6", "relu6", "pool3", "affine1", "relu7", "dropout1", "affine2", "dropout2");
        var shape = new TensorShape(2, 1, 28, 28);
        var shapes = new List<string>();
        foreach (ILayer layer in network.Layers)
        {
            shape = layer.GetOutputShape(shape);
            shapes.Add(shape.ToString());
        }

        shapes[4].Should().Be("[2, 16, 14, 14]");
        shapes[7].Should().Be("[2, 32, 16, 16]");
        shapes[9].Should().Be("[2, 32, 8, 8]");
        shapes[14].Should().Be("[2, 64, 4, 4]");
        shapes[^1].Should().Be("[2, 10]");
        network.Parameters.Select(p => p.Parameter.Shape.ElementCount).Sum().Should().Be(
            (16 * 9) + 16 + (16 * 16 * 9) + 16 + (32 * 16 * 9) + 32 + (32 * 32 * 9) + 32
            + (64 * 32 * 9) + 64 + (64 * 64 * 9) + 64 + (1024 * 50) + 50 + (50 * 10) + 10);
    }

    [Fact]
    public void Uses_He_initialization_by_fan_in()
    {
        Sequential network = DeepConvNet.Create(seed: 1);

        float[] conv6 = network.Parameters.Single(p => p.Name == "conv6.weight").Parameter.Value.ToArray();
        Math.Sqrt(conv6.Average(v => (double)v * v)).Should().BeApproximately(Math.Sqrt(2.0 / 576), 0.05 * Math.Sqrt(2.0 / 576));
    }

    [Fact]
    public void Dropout_acts_only_in_training()
    {
        Sequential network = DeepConvNet.Create(seed: 2);
        FloatTensor input = TestTensors.Uniform(new Random(1), 4, 1, 28, 28);
        int[] labels = [1, 2, 3, 4];

        network.Predict(input).ToArray().Should().Equal(network.Predict(input).ToArray());
        float first = network.ComputeGradients(input, labels);
        float second = network.ComputeGradients(input, labels);
        second.Should().NotBe(first, "each training step draws new dropout masks");
    }

    [Fact]
    public void A_training_step_reaches_every_parameter()
    {
        Sequential network = DeepConvNet.Create(seed: 3, dropoutRate: 0f);
        FloatTensor input = TestTensors.Uniform(new Random(2), 4, 1, 28, 28);

        network.ComputeGradients(input, [0, 1, 2, 3]);

        network.Parameters.Should().OnlyContain(p => p.Parameter.Gradient.ToArray().Any(g => g != 0f));
    }

    [Fact]
    public void Trains_with_the_trainer_and_round_trips_through_a_model_file()
    {
        Sequential network = DeepConvNet.Create(seed: 4);
        var data = new LabeledDataset(TestTensors.Uniform(new Random(3), 8, 1, 28, 28), [0, 1, 2, 3, 4, 5, 6, 7]);
        float[] before = network.Parameters[0].Parameter.Value.ToArray();
        var trainer = new Trainer(network, new Adam(network), new TrainerOptions { BatchSize = 4, Iterations = 2, TrainEvaluationSize = 0 });

        TrainingHistory history = trainer.Train(data);

        history.Epochs.Should().ContainSingle();
        network.Parameters[0].Parameter.Value.ToArray().Should().NotEqual(before);
        string path = Path.Combine(Path.GetTempPath(), $"convnet-deep-{Guid.NewGuid():N}.safetensors");
        try
        {
            new Model(network, ModelCatalog.Deep).Save(path);
            Model.Load(path).Network.Predict(data.Inputs).ToArray().Should().Equal(network.Predict(data.Inputs).ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
