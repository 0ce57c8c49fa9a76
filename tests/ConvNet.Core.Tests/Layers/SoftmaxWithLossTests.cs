using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;
using ConvNet.Core.Tests.Training;
using ConvNet.Core.Training;

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

    [Fact]
    public void Label_smoothing_targets_one_minus_epsilon_plus_epsilon_over_the_classes()
    {
        // softmax([0, ln 3]) = [1/4, 3/4]; label 0 with ε = 0.2 over 2 classes targets [0.9, 0.1].
        var scores = FloatTensor.FromSpan(new TensorShape(1, 2), [0f, MathF.Log(3f)]);
        var loss = new SoftmaxWithLoss(0.2f);

        float value = loss.Forward(scores, [0]);

        value.Should().BeApproximately((float)((0.9 * Math.Log(4)) + (0.1 * Math.Log(4.0 / 3))), 1e-6f);
        loss.Backward().ToArray().Should().Equal([0.25f - 0.9f, 0.75f - 0.1f], (a, e) => Math.Abs(a - e) < 1e-6f);
        loss.Evaluate(scores, [0]).Should().BeApproximately(value, 1e-6);
    }

    [Fact]
    public void Smoothed_labels_equal_the_smoothed_distribution_given_as_targets()
    {
        FloatTensor scores = TestTensors.Uniform(new Random(3), 3, 4);
        const float Epsilon = 0.1f;
        float[] smoothed = [.. Enumerable.Repeat(Epsilon / 4, 12)];
        int[] labels = [2, 0, 3];
        for (int item = 0; item < 3; item++)
        {
            smoothed[(item * 4) + labels[item]] += 1f - Epsilon;
        }

        var byLabels = new SoftmaxWithLoss(Epsilon);
        var byTargets = new SoftmaxWithLoss();

        byLabels.Forward(scores, labels).Should().BeApproximately(byTargets.Forward(scores, FloatTensor.FromSpan(new TensorShape(3, 4), smoothed)), 1e-6f);
        byLabels.Backward().ToArray().Should().Equal(byTargets.Backward().ToArray(), (a, e) => Math.Abs(a - e) < 1e-7f);
    }

    [Fact]
    public void The_smoothed_gradient_matches_central_differences_of_the_loss()
    {
        FloatTensor scores = TestTensors.Uniform(new Random(4), 2, 5);
        int[] labels = [4, 1];
        var loss = new SoftmaxWithLoss(0.3f);
        loss.Forward(scores, labels);
        float[] analytic = loss.Backward().ToArray();

        const float Step = 1e-2f;
        for (int i = 0; i < scores.Length; i++)
        {
            float original = scores.Span[i];
            scores.Span[i] = original + Step;
            double up = loss.Evaluate(scores, labels);
            scores.Span[i] = original - Step;
            double down = loss.Evaluate(scores, labels);
            scores.Span[i] = original;
            analytic[i].Should().BeApproximately((float)((up - down) / (2 * Step)), 1e-4f, $"score {i}");
        }
    }

    [Fact]
    public void A_network_with_a_smoothed_loss_passes_the_gradient_check()
    {
        Sequential network = SimpleConvNet.CreateBuilder(TrainerOnRealNetworksTests.SmallOptions).Build(new SoftmaxWithLoss(0.1f), seed: 5, standardDeviation: 0.1f);

        GradientCheckReport report = GradientCheck.CheckNetwork(network, TestTensors.Uniform(new Random(5), 2, 1, 8, 8), [0, 2]);

        report.Passes.Should().BeTrue(report.ToString());
    }

    [Fact]
    public void Smoothing_defaults_to_none_and_must_lie_in_zero_to_one()
    {
        new SoftmaxWithLoss().LabelSmoothing.Should().Be(0f);
        FluentActions.Invoking(() => new SoftmaxWithLoss(1f)).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "labelSmoothing");
        FluentActions.Invoking(() => new SoftmaxWithLoss(-0.1f)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new SoftmaxWithLoss(float.NaN)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
