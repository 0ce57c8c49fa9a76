using ConvNet.Core.Layers;
using ConvNet.Core.Optimizers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Optimizers;

public class OptimizerTests
{
    // Each test takes two steps over one parameter with these values and gradients and compares every element
    // with the optimizer's formula evaluated by hand in double.
    private static readonly double[] Initial = [0.5, -1.0, 2.0];
    private static readonly double[] FirstGradient = [0.2, -0.4, 1.5];
    private static readonly double[] SecondGradient = [-0.1, 0.3, 1.0];

    internal static Parameter NewParameter(double[] values) =>
        new("weight", FloatTensor.FromSpan(new TensorShape(values.Length), values.Select(v => (float)v).ToArray()));

    private static float[] TwoSteps(Func<IReadOnlyList<Parameter>, IOptimizer> create, out float[] afterFirst)
    {
        var parameter = NewParameter(Initial);
        var optimizer = create([parameter]);
        FirstGradient.Select(g => (float)g).ToArray().CopyTo(parameter.Gradient.Span);
        optimizer.Step();
        afterFirst = parameter.Value.ToArray();
        SecondGradient.Select(g => (float)g).ToArray().CopyTo(parameter.Gradient.Span);
        optimizer.Step();
        return parameter.Value.ToArray();
    }

    private static void ShouldMatch(float[] actual, double[] expected)
    {
        actual.Should().HaveSameCount(expected);
        for (int i = 0; i < expected.Length; i++)
        {
            ((double)actual[i]).Should().BeApproximately(expected[i], 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"element {i}");
        }
    }

    [Fact]
    public void Sgd_subtracts_the_scaled_gradient()
    {
        const double lr = 0.1;
        var second = TwoSteps(p => new Sgd(p, (float)lr), out var first);
        var expectedFirst = new double[3];
        var expectedSecond = new double[3];
        for (int i = 0; i < 3; i++)
        {
            expectedFirst[i] = Initial[i] - (lr * FirstGradient[i]);
            expectedSecond[i] = expectedFirst[i] - (lr * SecondGradient[i]);
        }

        ShouldMatch(first, expectedFirst);
        ShouldMatch(second, expectedSecond);
    }

    [Fact]
    public void Sgd_on_a_tensor_of_many_chunks_gives_the_bits_of_one_whole_tensor_pass()
    {
        // 100,003 values: six full chunks of the threads' shares and a ragged tail. Each element's step is its own
        // multiply and add, so where the tensor is cut must not change a bit.
        const int Length = 100_003;
        const float Rate = 0.05f;
        var random = new Random(7);
        float[] values = [.. Enumerable.Range(0, Length).Select(_ => (float)(random.NextDouble() - 0.5))];
        float[] gradients = [.. Enumerable.Range(0, Length).Select(_ => (float)(random.NextDouble() - 0.5))];
        var parameter = new Parameter("weight", FloatTensor.FromSpan(new TensorShape(Length), values));
        gradients.CopyTo(parameter.Gradient.Span);
        float[] expected = [.. values];
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(gradients, -Rate, expected, expected);

        new Sgd([parameter], Rate).Step();

        parameter.Value.ToArray().Should().Equal(expected);
    }

    [Fact]
    public void Momentum_accumulates_a_velocity()
    {
        const double lr = 0.1, mu = 0.9;
        var second = TwoSteps(p => new Momentum(p, (float)lr, (float)mu), out var first);
        var expectedFirst = new double[3];
        var expectedSecond = new double[3];
        for (int i = 0; i < 3; i++)
        {
            double v1 = -lr * FirstGradient[i];
            expectedFirst[i] = Initial[i] + v1;
            double v2 = (mu * v1) - (lr * SecondGradient[i]);
            expectedSecond[i] = expectedFirst[i] + v2;
        }

        ShouldMatch(first, expectedFirst);
        ShouldMatch(second, expectedSecond);
    }

    [Fact]
    public void Nesterov_looks_ahead_along_the_velocity()
    {
        const double lr = 0.1, mu = 0.9;
        var second = TwoSteps(p => new Momentum(p, (float)lr, (float)mu, nesterov: true), out var first);
        var expectedFirst = new double[3];
        var expectedSecond = new double[3];
        for (int i = 0; i < 3; i++)
        {
            double v1 = -lr * FirstGradient[i];
            expectedFirst[i] = Initial[i] + (mu * v1) - (lr * FirstGradient[i]);
            double v2 = (mu * v1) - (lr * SecondGradient[i]);
            expectedSecond[i] = expectedFirst[i] + (mu * v2) - (lr * SecondGradient[i]);
        }

        ShouldMatch(first, expectedFirst);
        ShouldMatch(second, expectedSecond);
    }

    [Fact]
    public void AdaGrad_divides_by_the_root_of_the_summed_squares()
    {
        const double lr = 0.5, eps = 1e-7;
        var second = TwoSteps(p => new AdaGrad(p, (float)lr, (float)eps), out var first);
        var expectedFirst = new double[3];
        var expectedSecond = new double[3];
        for (int i = 0; i < 3; i++)
        {
            double h1 = FirstGradient[i] * FirstGradient[i];
            expectedFirst[i] = Initial[i] - (lr * FirstGradient[i] / (Math.Sqrt(h1) + eps));
            double h2 = h1 + (SecondGradient[i] * SecondGradient[i]);
            expectedSecond[i] = expectedFirst[i] - (lr * SecondGradient[i] / (Math.Sqrt(h2) + eps));
        }

        ShouldMatch(first, expectedFirst);
        ShouldMatch(second, expectedSecond);
    }

    [Fact]
    public void RmsProp_divides_by_the_root_of_the_averaged_squares()
    {
        const double lr = 0.01, rho = 0.9, eps = 1e-7;
        var second = TwoSteps(p => new RmsProp(p, (float)lr, (float)rho, (float)eps), out var first);
        var expectedFirst = new double[3];
        var expectedSecond = new double[3];
        for (int i = 0; i < 3; i++)
        {
            double h1 = (1 - rho) * FirstGradient[i] * FirstGradient[i];
            expectedFirst[i] = Initial[i] - (lr * FirstGradient[i] / (Math.Sqrt(h1) + eps));
            double h2 = (rho * h1) + ((1 - rho) * SecondGradient[i] * SecondGradient[i]);
            expectedSecond[i] = expectedFirst[i] - (lr * SecondGradient[i] / (Math.Sqrt(h2) + eps));
        }

        ShouldMatch(first, expectedFirst);
        ShouldMatch(second, expectedSecond);
    }

    [Fact]
    public void Adam_corrects_both_moments_by_division()
    {
        const double lr = 0.01, b1 = 0.8, b2 = 0.95, eps = 1e-6;
        var second = TwoSteps(p => new Adam(p, (float)lr, (float)b1, (float)b2, (float)eps), out var first);
        var expectedFirst = new double[3];
        var expectedSecond = new double[3];
        for (int i = 0; i < 3; i++)
        {
            double m1 = (1 - b1) * FirstGradient[i];
            double v1 = (1 - b2) * FirstGradient[i] * FirstGradient[i];
            expectedFirst[i] = Initial[i] - (lr * (m1 / (1 - b1)) / (Math.Sqrt(v1 / (1 - b2)) + eps));
            double m2 = (b1 * m1) + ((1 - b1) * SecondGradient[i]);
            double v2 = (b2 * v1) + ((1 - b2) * SecondGradient[i] * SecondGradient[i]);
            expectedSecond[i] = expectedFirst[i] - (lr * (m2 / (1 - (b1 * b1))) / (Math.Sqrt(v2 / (1 - (b2 * b2))) + eps));
        }

        ShouldMatch(first, expectedFirst);
        ShouldMatch(second, expectedSecond);
    }

    [Fact]
    public void Adam_counts_steps_per_instance()
    {
        var shared = NewParameter([1.0]);
        var other = NewParameter([1.0]);
        var first = new Adam([shared]);
        var second = new Adam([other]);
        shared.Gradient.Span[0] = 1f;
        other.Gradient.Span[0] = 1f;
        first.Step();
        first.Step();
        second.Step();
        first.StepCount.Should().Be(2);
        second.StepCount.Should().Be(1);

        // After one corrected step with a constant gradient Adam moves by almost exactly the learning rate.
        ((double)other.Value.Span[0]).Should().BeApproximately(1.0 - 0.001, 1e-6);
    }

    [Fact]
    public void Each_parameter_keeps_its_own_state()
    {
        var weight = NewParameter([1.0, 1.0]);
        var bias = NewParameter([1.0]);
        var optimizer = new Momentum([weight, bias], 0.1f, 0.5f);
        weight.Gradient.Span.Fill(1f);
        optimizer.Step();
        optimizer.Step();

        // Only the weight had a gradient; the bias's velocity must not have been touched by the weight's.
        bias.Value.Span[0].Should().Be(1f);
        ((double)weight.Value.Span[0]).Should().BeApproximately(1.0 - 0.1 - ((0.5 * 0.1) + 0.1), 1e-6);
    }

    [Fact]
    public void Constructors_reject_bad_hyper_parameters_naming_them()
    {
        Parameter[] parameters = [NewParameter([1.0])];
        FluentActions.Invoking(() => new Sgd(parameters, -0.1f)).Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == "LearningRate").WithMessage("*-0.1*");
        FluentActions.Invoking(() => new Sgd(parameters, float.NaN)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new Momentum(parameters, 0.1f, 1f)).Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == "momentum").WithMessage("*1*");
        FluentActions.Invoking(() => new Momentum(parameters, 0.1f, -0.5f, nesterov: true)).Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == "momentum");
        FluentActions.Invoking(() => new AdaGrad(parameters, 0.1f, 0f)).Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == "epsilon");
        FluentActions.Invoking(() => new RmsProp(parameters, 0.1f, 1.5f)).Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == "decay").WithMessage("*1.5*");
        FluentActions.Invoking(() => new Adam(parameters, 0.1f, beta2: 1f)).Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == "beta2");
        var optimizer = new Adam(parameters);
        FluentActions.Invoking(() => optimizer.LearningRate = 0f).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Constructors_reject_empty_and_repeated_parameter_lists()
    {
        var parameter = NewParameter([1.0]);
        FluentActions.Invoking(() => new Sgd(Array.Empty<Parameter>())).Should().Throw<ArgumentException>().WithMessage("*empty*");
        FluentActions.Invoking(() => new Sgd([parameter, parameter])).Should().Throw<ArgumentException>().WithMessage("*twice*");
    }
}

[Collection(RunsAlone.Name)]
public class OptimizerAllocationTests
{
    [Fact]
    public void Step_allocates_nothing()
    {
        var parameters = new[] { OptimizerTests.NewParameter(new double[1000]), OptimizerTests.NewParameter(new double[10]) };
        Optimizer[] optimizers =
        [
            new Sgd(parameters, 0.01f), new Momentum(parameters, 0.01f), new Momentum(parameters, 0.01f, nesterov: true),
            new AdaGrad(parameters, 0.01f), new RmsProp(parameters, 0.01f), new Adam(parameters, 0.01f),
        ];
        foreach (Optimizer optimizer in optimizers)
        {
            string name = optimizer is Momentum { Nesterov: true } ? "Nesterov" : optimizer.GetType().Name;
            optimizer.Step();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++)
            {
                optimizer.Step();
            }

            (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0, name);
        }
    }
}
