using ConvNet.Core.Training;

namespace ConvNet.Core.Tests.Training;

public class LearningRateScheduleTests
{
    [Fact]
    public void Step_schedule_multiplies_by_the_factor_every_step_epochs()
    {
        var schedule = new StepSchedule(stepEpochs: 3, factor: 0.1f);
        schedule.GetLearningRate(0.5f, 0, 10).Should().Be(0.5f);
        schedule.GetLearningRate(0.5f, 2.99, 10).Should().Be(0.5f);
        ((double)schedule.GetLearningRate(0.5f, 3, 10)).Should().BeApproximately(0.05, 1e-8);
        ((double)schedule.GetLearningRate(0.5f, 7.5, 10)).Should().BeApproximately(0.005, 1e-9);
    }

    [Fact]
    public void Cosine_schedule_falls_from_the_base_to_the_minimum_along_half_a_cosine()
    {
        var schedule = new CosineSchedule(minimumLearningRate: 0.1f);
        schedule.GetLearningRate(1f, 0, 4).Should().Be(1f);
        ((double)schedule.GetLearningRate(1f, 2, 4)).Should().BeApproximately(0.55, 1e-6);
        ((double)schedule.GetLearningRate(1f, 1, 4)).Should().BeApproximately(0.1 + (0.9 * (1 + Math.Cos(Math.PI / 4)) / 2), 1e-6);
        ((double)schedule.GetLearningRate(1f, 4, 4)).Should().BeApproximately(0.1, 1e-7);
        new CosineSchedule().GetLearningRate(1f, 4, 4).Should().BePositive("a learning rate must stay positive");
    }

    [Fact]
    public void Schedules_reject_bad_arguments()
    {
        FluentActions.Invoking(() => new StepSchedule(0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new StepSchedule(2, 1.5f)).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "factor");
        FluentActions.Invoking(() => new CosineSchedule(-1f)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
