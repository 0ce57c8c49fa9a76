using ConvNet.Core.Networks;
using ConvNet.Core.Serialization;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Networks;

public sealed class ModelCatalogTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("convnet-catalog-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("simple", 6)]
    [InlineData("deep", 16)]
    [InlineData("best", 18)]
    public void Every_named_model_scores_ten_digit_classes(string name, int parameterCount)
    {
        INetwork network = ModelCatalog.Create(name, seed: 1);

        network.InputShape.Should().Be(new TensorShape(1, 28, 28));
        network.ClassCount.Should().Be(10);
        network.Parameters.Should().HaveCount(parameterCount);
    }

    [Fact]
    public void An_unknown_name_lists_the_known_ones()
    {
        FluentActions.Invoking(() => ModelCatalog.Create("huge", seed: 1)).Should().Throw<ArgumentException>().WithMessage("*huge*simple, deep, best*");
    }

    [Fact]
    public void A_checkpoint_with_the_catalog_metadata_rebuilds_the_same_network()
    {
        INetwork original = ModelCatalog.Create(ModelCatalog.Best, seed: 4);
        FloatTensor input = TestTensors.Uniform(new Random(1), 4, 1, 28, 28);
        original.ComputeGradients(input, [1, 2, 3, 4]); // moves the batch normalization running statistics
        string path = Path.Combine(_folder, "best.safetensors");
        Checkpoint.Save(original, path, ModelCatalog.Metadata(ModelCatalog.Best));

        INetwork loaded = ModelCatalog.Load(path);

        loaded.Layers.Select(layer => layer.Name).Should().Equal(original.Layers.Select(layer => layer.Name));
        loaded.Predict(input).ToArray().Should().Equal(original.Predict(input).ToArray());
    }

    [Fact]
    public void A_checkpoint_without_a_model_name_is_refused()
    {
        string path = Path.Combine(_folder, "anonymous.safetensors");
        Checkpoint.Save(ModelCatalog.Create(ModelCatalog.Simple, seed: 1), path);

        FluentActions.Invoking(() => ModelCatalog.Load(path)).Should().Throw<InvalidDataException>().WithMessage($"*{ModelCatalog.ModelKey}*");
    }
}
