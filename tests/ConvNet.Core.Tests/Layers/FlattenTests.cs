using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Layers;

public class FlattenTests
{
    [Fact]
    public void Forward_keeps_the_row_major_order_in_one_row_per_item()
    {
        var input = new FloatTensor(2, 3, 2, 2);
        input[1, 2, 1, 0] = 7f;

        FloatTensor output = new Flatten("f").Forward(input, training: true);

        output.Shape.Should().Be(new TensorShape(2, 12));
        output[1, 10].Should().Be(7f);
    }

    [Fact]
    public void Backward_restores_the_input_shape()
    {
        var layer = new Flatten("f");
        layer.Forward(new FloatTensor(2, 3, 2, 2), training: true);
        FloatTensor gradient = TestTensors.Uniform(new Random(1), 2, 12);

        FloatTensor inputGradient = layer.Backward(gradient);

        inputGradient.Shape.Should().Be(new TensorShape(2, 3, 2, 2));
        inputGradient.ToArray().Should().Equal(gradient.ToArray());
    }

    [Fact]
    public void Rank_one_input_is_rejected_with_its_shape()
    {
        FluentActions.Invoking(() => new Flatten("f").GetOutputShape(new TensorShape(5))).Should().Throw<ArgumentException>()
            .WithMessage("*[5]*");
    }
}
