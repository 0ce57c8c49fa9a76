using ConvNet.Core.Kernels;

namespace ConvNet.Core.Tests.Kernels;

public class SoftmaxTests
{
    [Fact]
    public void Softmax_of_hand_computed_row_and_its_cross_entropy()
    {
        // softmax([0, ln 2, ln 5]) = [1, 2, 5] / 8; −log(2/8) = ln 4.
        float[] logits = [0f, MathF.Log(2f), MathF.Log(5f)];
        var probabilities = new float[3];
        double loss = Softmax.ForwardWithLabels(logits, probabilities, [1], 3);
        probabilities.Should().Equal([0.125f, 0.25f, 0.625f], (a, e) => Math.Abs(a - e) < 1e-6f);
        loss.Should().BeApproximately(Math.Log(4), 1e-6);
        Softmax.CrossEntropy(logits, [1], 3).Should().BeApproximately(Math.Log(4), 1e-6);
    }

    [Fact]
    public void Logits_near_plus_and_minus_1000_give_finite_loss_and_rows_summing_to_one()
    {
        float[] logits = [1000f, 999f, -1000f, -1000f, -999f, -998f, 1000f, 1000f, 1000f];
        var probabilities = new float[9];
        double loss = Softmax.ForwardWithLabels(logits, probabilities, [0, 2, 1], 3);

        double.IsFinite(loss).Should().BeTrue();
        probabilities.Should().OnlyContain(p => float.IsFinite(p));
        for (int row = 0; row < 3; row++)
        {
            probabilities.Skip(row * 3).Take(3).Sum().Should().BeApproximately(1f, 1e-6f);
        }

        // Row 0: softmax([1000, 999, −1000]) → −log p0 = log(1 + e^−1); row 1 shifted by 998: [−2, −1, 0] → log(e^−2 + e^−1 + 1);
        // row 2: uniform, label 1 → log 3.
        double expected = (Math.Log(1 + Math.Exp(-1)) + Math.Log(Math.Exp(-2) + Math.Exp(-1) + 1) + Math.Log(3)) / 3;
        loss.Should().BeApproximately(expected, 1e-5);
    }

    [Fact]
    public void Rows_writes_every_rows_softmax_in_place_without_overflow()
    {
        float[] values = [0f, MathF.Log(2f), MathF.Log(5f), 1000f, 999f, -1000f];
        float[] expected = new float[6];
        Softmax.ForwardWithLabels(values, expected, [0, 0], 3);

        Softmax.Rows(values, values, 3);

        values.Should().Equal(expected);
        values[..3].Should().Equal([0.125f, 0.25f, 0.625f], (a, e) => Math.Abs(a - e) < 1e-6f);
        values[3].Should().BeApproximately(1f / (1f + MathF.Exp(-1f)), 1e-6f);
    }

    [Fact]
    public void LogSumExp_does_not_overflow()
    {
        Softmax.LogSumExp([1000f, 1000f]).Should().BeApproximately(1000 + Math.Log(2), 1e-4);
        Softmax.LogSumExp([-1000f, -1000f]).Should().BeApproximately(-1000 + Math.Log(2), 1e-4);
    }
}
