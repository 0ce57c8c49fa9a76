using System.Numerics.Tensors;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Tensors;

public class FloatTensorTests
{
    [Fact]
    public void Shape_formats_like_a_list()
    {
        new TensorShape(100, 1, 28, 28).ToString().Should().Be("[100, 1, 28, 28]");
    }

    [Fact]
    public void Shape_rejects_non_positive_dimensions_and_bad_rank()
    {
        FluentActions.Invoking(() => new TensorShape(2, 0, 3)).Should().Throw<ArgumentException>().WithMessage("*dimension 1 is 0*");
        FluentActions.Invoking(() => new TensorShape(1, 2, 3, 4, 5)).Should().Throw<ArgumentException>().WithMessage("*rank 5*");
    }

    [Fact]
    public void Reshape_is_a_view_sharing_storage()
    {
        var tensor = new FloatTensor(2, 3, 2, 2);
        var flat = tensor.Reshape(2, 12);
        flat[1, 11] = 5f;
        tensor[1, 2, 1, 1].Should().Be(5f);
        FluentActions.Invoking(() => tensor.Reshape(5, 5)).Should().Throw<ArgumentException>().WithMessage("*[2, 3, 2, 2]*[5, 5]*");
    }

    [Fact]
    public void SliceBatch_views_the_requested_items()
    {
        var tensor = FloatTensor.FromSpan(new TensorShape(4, 2), [0, 1, 2, 3, 4, 5, 6, 7]);
        var slice = tensor.SliceBatch(1, 2);
        slice.Shape.Should().Be(new TensorShape(2, 2));
        slice.ToArray().Should().Equal(2, 3, 4, 5);
        FluentActions.Invoking(() => tensor.SliceBatch(3, 2)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void AsTensorSpan_views_the_same_elements_and_lives_beside_System_Numerics_Tensors()
    {
        var tensor = FloatTensor.FromSpan(new TensorShape(4, 2), [0, 1, 2, 3, 4, 5, 6, 7]).SliceBatch(1, 2);
        TensorSpan<float> view = tensor.AsTensorSpan();
        view.Lengths.ToArray().Should().Equal(2, 2);
        view[1, 0] = 40f;
        tensor[1, 0].Should().Be(40f);
        Tensor.Sum<float>(view).Should().Be(2 + 3 + 40 + 5);   // System.Numerics.Tensors.Tensor, no alias needed
    }
}
