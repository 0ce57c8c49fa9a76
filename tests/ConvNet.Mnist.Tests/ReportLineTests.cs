using ConvNet.Core.Training;
using ConvNet.Mnist;

namespace ConvNet.Mnist.Tests;

public sealed class ReportLineTests
{
    [Theory]
    [InlineData(9893, 10000, "Test accuracy: 98.93% (9893/10000)")]
    [InlineData(10000, 10000, "Test accuracy: 100.00% (10000/10000)")]
    [InlineData(1, 3, "Test accuracy: 33.33% (1/3)")]
    public void TestScoreSummary_IsTheDocumentedClosingLine(int correct, int total, string expected)
    {
        new TestScore([], correct, total).Summary.Should().Be(expected);
    }

    [Fact]
    public void EpochLine_ShowsLossAccuraciesAndSeconds()
    {
        var epoch = new EpochResult(3, 600, 0.04123, 0.99021, 0.98869, null, null, 0.001f, 14.24);

        TrainingProgressView.EpochLine(epoch, totalEpochs: 10).Should().Be(
            "epoch  3/10  loss 0.0412  train 99.02%  test 98.87%  14.2 s");
    }

    [Fact]
    public void EpochLine_SkippedEvaluation_SaysNotAvailable()
    {
        var epoch = new EpochResult(1, 50, 0.5, null, null, null, null, 0.1f, 2.0);

        TrainingProgressView.EpochLine(epoch, totalEpochs: 1).Should().Be("epoch 1/1  loss 0.5000  train n/a  test n/a  2.0 s");
    }

    [Fact]
    public void TimeLine_AddsUpTheStepSecondsOfEveryEpoch()
    {
        EpochResult[] epochs = [new(1, 468, 0.3, null, 0.97, null, null, 0.01f, 2.71), new(2, 468, 0.05, null, 0.99, null, null, 0.001f, 2.44)];

        TrainingProgressView.TimeLine(epochs).Should().Be("Training time: 5.2 s (the steps of 2 epochs; evaluation excluded)");
        TrainingProgressView.TimeLine(epochs[..1]).Should().Be("Training time: 2.7 s (the steps of 1 epoch; evaluation excluded)");
    }

    [Fact]
    public void TimeLine_CountsAPartialLastEpochAsItsFraction()
    {
        // 1,640 steps of 937 per epoch, as the fast recipe runs.
        EpochResult[] epochs = [new(1, 937, 0.3, null, 0.98, null, null, 0.01f, 3.1), new(2, 703, 0.05, null, 0.99, null, null, 0.001f, 2.3)];

        TrainingProgressView.TimeLine(epochs).Should().Be("Training time: 5.4 s (the steps of 1.75 epochs; evaluation excluded)");
    }
}
