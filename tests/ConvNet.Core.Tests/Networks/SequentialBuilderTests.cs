using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;
using ConvNet.Core.Training;

namespace ConvNet.Core.Tests.Networks;

public class SequentialBuilderTests
{
    private static SequentialBuilder SimpleConvNetStack() =>
        new SequentialBuilder(new TensorShape(1, 28, 28))
            .Convolution(30, kernelSize: 5).Relu().MaxPool(2)
            .Affine(100).Relu().Affine(10);

    [Fact]
    public void SimpleConvNet_is_expressible_with_the_same_names_shapes_and_weights()
    {
        var simple = SimpleConvNet.Create(seed: 7);

        Sequential built = SimpleConvNetStack().Build(new SoftmaxWithLoss(), seed: 7, WeightInitialization.SeedStandardDeviation);

        built.Layers.Select(layer => layer.Name).Should().Equal(simple.Layers.Select(layer => layer.Name));
        built.Parameters.Select(p => p.Name).Should().Equal(simple.Parameters.Select(p => p.Name));
        built.Parameters.Select(p => p.Parameter.Shape).Should().Equal(simple.Parameters.Select(p => p.Parameter.Shape));
        for (int i = 0; i < simple.Parameters.Count; i++)
        {
            built.Parameters[i].Parameter.Value.ToArray().Should().Equal(simple.Parameters[i].Parameter.Value.ToArray());
        }

        FloatTensor input = TestTensors.Uniform(new Random(1), 3, 1, 28, 28);
        built.Predict(input).ToArray().Should().Equal(simple.Predict(input).ToArray());
    }

    [Fact]
    public void Layers_are_named_by_kind_and_count_and_sized_from_the_previous_output()
    {
        SequentialBuilder builder = new SequentialBuilder(new TensorShape(3, 12, 10))
            .Convolution(4, kernelSize: 3, padding: 1).BatchNormalization().LeakyRelu()
            .Convolution(6, kernelSize: 3, stride: 2).Tanh().AveragePool(2)
            .Flatten().Affine(7).BatchNormalization().Sigmoid().Dropout(0.25f).Affine(5);

        builder.OutputShape.Should().Be(new TensorShape(1, 5));
        Sequential network = builder.Build(new SoftmaxWithLoss(), seed: 1);

        network.Layers.Select(layer => layer.Name).Should().Equal(
            "conv1", "bn1", "leakyrelu1", "conv2", "tanh1", "pool1", "flatten1", "affine1", "bn2", "sigmoid1", "dropout1", "affine2");
        network.Parameters.Select(p => $"{p.Name}{p.Parameter.Shape}").Should().Equal(
            "conv1.weight[4, 3, 3, 3]", "conv1.bias[4]", "bn1.gamma[4]", "bn1.beta[4]",
            "conv2.weight[6, 4, 3, 3]", "conv2.bias[6]",
            "affine1.weight[24, 7]", "affine1.bias[7]", "bn2.gamma[7]", "bn2.beta[7]",
            "affine2.weight[7, 5]", "affine2.bias[5]");
        network.ClassCount.Should().Be(5);
    }

    [Fact]
    public void A_layer_that_does_not_fit_is_rejected_when_added_with_the_current_shape()
    {
        SequentialBuilder builder = new SequentialBuilder(new TensorShape(1, 8, 8)).Affine(10);

        FluentActions.Invoking(() => builder.Convolution(4, kernelSize: 3)).Should().Throw<ArgumentException>().WithMessage("*[1, 10]*");
        FluentActions.Invoking(() => new SequentialBuilder(new TensorShape(1, 4, 4)).Convolution(2, kernelSize: 5))
            .Should().Throw<ArgumentException>().WithMessage("*conv1*[1, 1, 4, 4]*");
    }

    [Fact]
    public void Builds_from_one_seed_are_identical_and_independent()
    {
        SequentialBuilder builder = SimpleConvNetStack();
        Sequential first = builder.Build(new SoftmaxWithLoss(), seed: 3);
        Sequential second = builder.Build(new SoftmaxWithLoss(), seed: 3);

        second.Parameters[0].Parameter.Value.ToArray().Should().Equal(first.Parameters[0].Parameter.Value.ToArray());
        second.Parameters[0].Parameter.Should().NotBeSameAs(first.Parameters[0].Parameter);
        builder.Build(new SoftmaxWithLoss(), seed: 4).Parameters[0].Parameter.Value.ToArray()
            .Should().NotEqual(first.Parameters[0].Parameter.Value.ToArray());
    }

    [Fact]
    public void He_initialization_gives_each_weight_the_spread_of_its_fan_in_and_zero_biases()
    {
        Sequential network = SimpleConvNetStack().Build(new SoftmaxWithLoss(), seed: 5, WeightInitScheme.HeNormal);

        float[] hidden = network.Parameters.Single(p => p.Name == "affine1.weight").Parameter.Value.ToArray();
        double deviation = Math.Sqrt(hidden.Average(v => (double)v * v));
        deviation.Should().BeApproximately(Math.Sqrt(2.0 / 4320), 0.02 * Math.Sqrt(2.0 / 4320));
        network.Parameters.Where(p => p.Name.EndsWith(".bias", StringComparison.Ordinal))
            .Should().OnlyContain(p => p.Parameter.Value.ToArray().All(v => v == 0f));
    }

    [Fact]
    public void A_built_stack_of_the_extra_layers_passes_the_network_gradient_check()
    {
        Sequential network = new SequentialBuilder(new TensorShape(2, 7, 6))
            .Convolution(3, kernelSize: 3, padding: 1).Tanh().AveragePool(2)
            .Flatten().Affine(5).Tanh().Affine(4).Sigmoid().Affine(3)
            .Build(new SoftmaxWithLoss(), seed: 2, WeightInitScheme.XavierNormal);
        FloatTensor input = TestTensors.Uniform(new Random(3), 2, 2, 7, 6);

        // Smooth layers only, so a larger step keeps float rounding of the loss well below the gradients.
        GradientCheckReport report = GradientCheck.CheckNetwork(network, input, [0, 2], epsilon: 1e-2f);

        report.Passes.Should().BeTrue(report.ToString());
        report.Entries.Should().HaveCount(network.Parameters.Count);
    }

    [Fact]
    public void Custom_layers_are_used_as_given()
    {
        var custom = new Tanh("mine");

        Sequential network = new SequentialBuilder(new TensorShape(4)).Affine(3).Add(custom).Build(new SoftmaxWithLoss(), seed: 1);

        network.Layers[1].Should().BeSameAs(custom);
    }
}
