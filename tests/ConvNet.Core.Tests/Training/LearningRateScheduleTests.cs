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
    public void One_cycle_schedule_warms_up_to_the_base_rate_then_anneals_far_below_the_start()
    {
        var schedule = new OneCycleSchedule(warmupFraction: 0.25, initialDivisor: 10, finalDivisor: 100);
        ((double)schedule.GetLearningRate(1f, 0, 4)).Should().BeApproximately(0.1, 1e-7, "it starts at base / initialDivisor");
        ((double)schedule.GetLearningRate(1f, 0.5, 4)).Should().BeApproximately(0.55, 1e-6, "halfway up the cosine");
        schedule.GetLearningRate(1f, 1, 4).Should().Be(1f, "the peak ends the warm-up");
        ((double)schedule.GetLearningRate(1f, 2.5, 4)).Should().BeApproximately(0.001 + (0.999 / 2), 1e-6, "halfway down");
        ((double)schedule.GetLearningRate(1f, 4, 4)).Should().BeApproximately(0.001, 1e-8, "it ends at the start / finalDivisor");
        schedule.GetLearningRate(1f, 0.9, 4).Should().BeGreaterThan(schedule.GetLearningRate(1f, 0.8, 4));
        schedule.GetLearningRate(1f, 3.1, 4).Should().BeLessThan(schedule.GetLearningRate(1f, 3, 4));
    }

    [Fact]
    public void One_cycle_schedule_defaults_to_pytorchs_shape_and_scales_with_the_base_rate()
    {
        var schedule = new OneCycleSchedule();
        ((double)schedule.GetLearningRate(0.01f, 0, 3)).Should().BeApproximately(0.0004, 1e-9);
        ((double)schedule.GetLearningRate(0.01f, 0.9, 3)).Should().BeApproximately(0.01, 1e-8);
        ((double)schedule.GetLearningRate(0.01f, 3, 3)).Should().BeApproximately(4e-8, 1e-12);
    }

    [Fact]
    public void Schedules_reject_bad_arguments()
    {
        FluentActions.Invoking(() => new StepSchedule(0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new StepSchedule(2, 1.5f)).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "factor");
        FluentActions.Invoking(() => new CosineSchedule(-1f)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new OneCycleSchedule(warmupFraction: 1)).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "warmupFraction");
        FluentActions.Invoking(() => new OneCycleSchedule(initialDivisor: 0.5)).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "initialDivisor");
        FluentActions.Invoking(() => new OneCycleSchedule(finalDivisor: double.NaN)).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "finalDivisor");
    }
}
