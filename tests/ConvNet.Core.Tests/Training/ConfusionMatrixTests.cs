using ConvNet.Core.Data;
using ConvNet.Core.Tensors;
using ConvNet.Core.Tests.TestNetworks;
using ConvNet.Core.Training;

namespace ConvNet.Core.Tests.Training;

public class ConfusionMatrixTests
{
    [Fact]
    public void Counts_pairs_and_derives_accuracies()
    {
        var matrix = new ConfusionMatrix(3);
        matrix.Add(0, 0);
        matrix.Add(0, 0);
        matrix.Add(0, 2);
        matrix.Add(1, 1);
        matrix.Add(2, 1);

        matrix[0, 0].Should().Be(2);
        matrix[0, 2].Should().Be(1);
        matrix[2, 1].Should().Be(1);
        matrix.Total.Should().Be(5);
        matrix.Correct.Should().Be(3);
        matrix.Accuracy.Should().Be(0.6);
        matrix.ClassAccuracy(0).Should().BeApproximately(2.0 / 3, 1e-12);
        matrix.ClassAccuracy(2).Should().Be(0);
        FluentActions.Invoking(() => matrix.Add(3, 0)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*[0, 3)*3*");

        var lines = matrix.ToString().Split('\n');
        lines[0].Should().Contain("accuracy");
        lines[1].Should().MatchRegex(@"^0\s+2\s+0\s+1\s+66\.67%");
        lines[^1].Should().Be("overall: 60.00% (3/5)");
    }

    [Fact]
    public void Compute_runs_the_network_in_batches()
    {
        // Identity weights: class c scores feature c, so the prediction is the index of the largest feature.
        var network = new LinearSoftmaxNetwork(inputSize: 3, classCount: 3);
        network.Layer.Weight.Span.Clear();
        for (int c = 0; c < 3; c++)
        {
            network.Layer.Weight[c, c] = 1f;
        }

        var inputs = FloatTensor.FromSpan(new TensorShape(5, 3), [
            1, 0, 0,
            0, 1, 0,
            0, 0, 1,
            0, 2, 1,
            3, 0, 0,
        ]);
        Evaluation.PredictClasses(network, inputs, batchSize: 2).Should().Equal(0, 1, 2, 1, 0);

        var matrix = ConfusionMatrix.Compute(network, new LabeledDataset(inputs, [0, 1, 2, 2, 0]), batchSize: 2);
        matrix.Correct.Should().Be(4);
        matrix[2, 1].Should().Be(1);
        Evaluation.Accuracy([0, 1, 2, 1, 0], [0, 1, 2, 2, 0]).Should().Be(0.8);
    }
}
