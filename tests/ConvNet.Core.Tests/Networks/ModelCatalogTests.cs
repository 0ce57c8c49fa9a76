using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Networks;

public sealed class ModelCatalogTests
{
    [Theory]
    [InlineData("simple", 6)]
    [InlineData("deep", 16)]
    [InlineData("best", 18)]
    [InlineData("fast", 8)]
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
        FluentActions.Invoking(() => ModelCatalog.Create("huge", seed: 1)).Should().Throw<ArgumentException>().WithMessage("*huge*simple, deep, best, fast*");
    }
}
