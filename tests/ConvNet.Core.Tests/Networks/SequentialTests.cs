using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Networks;

public class SequentialTests
{
    [Fact]
    public void Construction_checks_the_whole_shape_chain()
    {
        ILayer[] layers = [new Convolution("conv1", 1, 4, 3), new Relu("relu1"), new Affine("affine1", 100, 10)];

        FluentActions.Invoking(() => new Sequential(new TensorShape(1, 8, 8), layers, new SoftmaxWithLoss()))
            .Should().Throw<ArgumentException>().WithMessage("*affine1*[1, 4, 6, 6]*100 elements per item*144 per item*");
    }

    [Fact]
    public void Construction_rejects_duplicate_names_and_a_last_output_that_is_not_scores()
    {
        FluentActions.Invoking(() => new Sequential(new TensorShape(4), [new Relu("a"), new Relu("a")], new SoftmaxWithLoss()))
            .Should().Throw<ArgumentException>().WithMessage("*'a'*unique*");
        FluentActions.Invoking(() => new Sequential(new TensorShape(1, 4, 4), [new Relu("a")], new SoftmaxWithLoss()))
            .Should().Throw<ArgumentException>().WithMessage("*[batch, classes]*[1, 1, 4, 4]*");
        FluentActions.Invoking(() => new Sequential(new TensorShape(4), [], new SoftmaxWithLoss()))
            .Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Parameters_are_named_layer_dot_parameter_in_forward_order()
    {
        var network = new Sequential(new TensorShape(6), [new Affine("hidden", 6, 3), new Relu("relu"), new Affine("out", 3, 2)], new SoftmaxWithLoss());
        network.Parameters.Select(named => named.Name).Should().Equal("hidden.weight", "hidden.bias", "out.weight", "out.bias");
        network.ClassCount.Should().Be(2);
    }

    [Fact]
    public void Predict_rejects_the_wrong_input_shape_naming_both_shapes()
    {
        var network = new Sequential(new TensorShape(1, 6, 6), [new Convolution("conv1", 1, 2, 3), new Affine("out", 32, 3)], new SoftmaxWithLoss());
        FluentActions.Invoking(() => network.Predict(new FloatTensor(2, 1, 6, 5)))
            .Should().Throw<ArgumentException>().WithMessage("*[batch, 1, 6, 6]*[2, 1, 6, 5]*").Which.ParamName.Should().Be("input");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(100)]
    public void Accuracy_counts_a_last_partial_batch(int batchSize)
    {
        // An identity affine layer: the prediction is the index of the largest input.
        var identity = new Affine("identity", 3, 3);
        identity.Weight.Value[0, 0] = identity.Weight.Value[1, 1] = identity.Weight.Value[2, 2] = 1f;
        var network = new Sequential(new TensorShape(3), [identity], new SoftmaxWithLoss());
        var input = FloatTensor.FromSpan(new TensorShape(7, 3), [
            1, 0, 0,  0, 1, 0,  0, 0, 1,  1, 0, 0,  0, 1, 0,  0, 0, 1,  1, 0, 0]);
        int[] labels = [0, 1, 2, 0, 2, 2, 1]; // items 4 and 6 are wrong

        network.Accuracy(input, labels, batchSize).Should().BeApproximately(5.0 / 7, 1e-12);
    }

    [Fact]
    public void A_first_convolution_skips_the_data_gradient_but_still_fills_its_parameter_gradients()
    {
        var convolution = new Convolution("conv1", 1, 2, 3);
        WeightInitialization.Normal(convolution.Weight.Value, 0.5f, new Random(1));
        var affine = new Affine("out", 2 * 4 * 4, 3);
        WeightInitialization.Normal(affine.Weight.Value, 0.5f, new Random(2));
        var network = new Sequential(new TensorShape(1, 6, 6), [convolution, affine], new SoftmaxWithLoss());

        network.ComputeGradients(TestTensors.Uniform(new Random(3), 2, 1, 6, 6), [0, 2]);

        convolution.ComputesInputGradient.Should().BeFalse();
        convolution.Weight.Gradient.ToArray().Should().Contain(value => value != 0f);
    }
}
