using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Layers;

public class SoftmaxWithLossTests
{
    [Fact]
    public void Backward_is_softmax_minus_target_over_batch_size()
    {
        // softmax([0, ln 3]) = [1/4, 3/4]; label 0 → ([1/4, 3/4] − [1, 0]) / 2.
        var scores = FloatTensor.FromSpan(new TensorShape(2, 2), [0f, MathF.Log(3f), 0f, 0f]);
        var loss = new SoftmaxWithLoss();

        float value = loss.Forward(scores, [0, 1]);

        value.Should().BeApproximately((float)((Math.Log(4) + Math.Log(2)) / 2), 1e-6f);
        loss.Backward().ToArray().Should().Equal([-0.375f, 0.375f, 0.25f, -0.25f], (a, e) => Math.Abs(a - e) < 1e-6f);
    }

    [Fact]
    public void One_hot_overload_equals_the_label_overload()
    {
        FloatTensor scores = TestTensors.Uniform(new Random(1), 3, 4);
        var oneHot = FloatTensor.FromSpan(new TensorShape(3, 4), [0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1]);
        var byLabels = new SoftmaxWithLoss();
        var byTargets = new SoftmaxWithLoss();

        byTargets.Forward(scores, oneHot).Should().BeApproximately(byLabels.Forward(scores, [2, 0, 3]), 1e-6f);
        byTargets.Backward().ToArray().Should().Equal(byLabels.Backward().ToArray(), (a, e) => Math.Abs(a - e) < 1e-7f);
    }

    [Fact]
    public void Extreme_scores_give_a_finite_loss_and_gradient()
    {
        var scores = FloatTensor.FromSpan(new TensorShape(2, 3), [1000f, -1000f, 0f, -1000f, -1000f, 1000f]);
        var loss = new SoftmaxWithLoss();

        float value = loss.Forward(scores, [1, 0]);

        float.IsFinite(value).Should().BeTrue();
        value.Should().BeApproximately(2000f, 1e-2f);
        loss.Backward().ToArray().Should().OnlyContain(gradient => float.IsFinite(gradient));
        loss.Probabilities!.ToArray().Take(3).Sum().Should().BeApproximately(1f, 1e-6f);
    }

    [Fact]
    public void Labels_are_validated()
    {
        var loss = new SoftmaxWithLoss();
        var scores = new FloatTensor(2, 3);
        FluentActions.Invoking(() => loss.Forward(scores, [0, 3])).Should().Throw<ArgumentException>().WithMessage("*Label 1 is 3*[0, 3)*");
        FluentActions.Invoking(() => loss.Forward(scores, [0, -1])).Should().Throw<ArgumentException>().WithMessage("*Label 1 is -1*");
        FluentActions.Invoking(() => loss.Forward(scores, [0])).Should().Throw<ArgumentException>().WithMessage("*1 labels*[2, 3]*");
        FluentActions.Invoking(() => loss.Forward(scores, new FloatTensor(2, 4))).Should().Throw<ArgumentException>().WithMessage("*[2, 3]*[2, 4]*");
        FluentActions.Invoking(() => loss.Forward(new FloatTensor(2, 3, 1, 1), [0, 1])).Should().Throw<ArgumentException>().WithMessage("*[batch, classes]*");
    }

    [Fact]
    public void Backward_before_Forward_throws_and_scores_are_not_mutated()
    {
        var loss = new SoftmaxWithLoss();
        FluentActions.Invoking(() => loss.Backward()).Should().Throw<InvalidOperationException>();
        FloatTensor scores = TestTensors.Uniform(new Random(2), 2, 3);
        float[] before = scores.ToArray();
        loss.Forward(scores, [0, 1]);
        loss.Backward();
        scores.ToArray().Should().Equal(before);
    }
}
