using ConvNet.Core.Data;
using ConvNet.Core.Tensors;
using ConvNet.Core.Training;
using ConvNet.Mnist.Bench;

namespace ConvNet.Core.Tests.Training;

public class PerformanceBenchmarkTests
{
    [Fact]
    public void The_report_is_one_JSON_line_with_the_six_figures()
    {
        var report = new PerformanceReport(12.3456, 7.4071, 12345.6, 0.123456, 98.76, 0);

        report.ToJson().Should().Be(
            "{\"train_step_ms\": 12.346, \"epoch_s\": 7.41, \"infer_images_per_s\": 12346, \"latency_ms\": 0.1235, \"gemm_gflops\": 98.8, \"allocated_bytes_per_step\": 0}");
    }

    [Fact]
    public void The_report_adds_ONNX_Runtime_s_figures_when_it_was_compared()
    {
        var report = new PerformanceReport(12.3456, 7.4071, 12345.6, 0.123456, 98.76, 0)
        {
            OnnxRuntimeImagesPerSecond = 23456.7,
            OnnxRuntimeLatencyMilliseconds = 0.054321,
        };

        report.ToJson().Should().EndWith(", \"allocated_bytes_per_step\": 0, \"ort_infer_images_per_s\": 23457, \"ort_latency_ms\": 0.0543}");
    }

    [Fact]
    public void A_short_run_measures_every_figure_and_reports_each_phase()
    {
        var options = new PerformanceBenchmarkOptions
        {
            TimedSteps = 2, WarmupSteps = 1, EpochImages = 1000, InferenceImages = 200, InferencePasses = 1, LatencyRuns = 3, GemmRuns = 1,
        };
        var progress = new StringWriter();

        PerformanceReport report = PerformanceBenchmark.Run(options, progress: progress);

        report.TrainStepMilliseconds.Should().BePositive();
        report.EpochSeconds.Should().BeApproximately(report.TrainStepMilliseconds / 1000 * 10, 1e-9, "1000 images are 10 steps of 100");
        report.InferenceImagesPerSecond.Should().BePositive();
        report.LatencyMilliseconds.Should().BePositive();
        report.GemmGflops.Should().BePositive();
        report.AllocatedBytesPerStep.Should().BeGreaterThanOrEqualTo(0);
        progress.ToString().Should().Contain("train step @100").And.Contain("inference @100").And.Contain("batch-1 latency").And.Contain("GEMM 1024³")
            .And.Contain("ONNX Runtime").And.Contain("on the exported network");
        report.OnnxRuntimeImagesPerSecond.Should().NotBeNull();
        report.OnnxRuntimeLatencyMilliseconds.Should().NotBeNull();
    }

    [Fact]
    public void Without_the_comparison_ONNX_Runtime_is_not_started_and_not_reported()
    {
        var options = new PerformanceBenchmarkOptions
        {
            TimedSteps = 1, WarmupSteps = 0, InferenceImages = 100, InferencePasses = 1, LatencyRuns = 1, GemmRuns = 1,
            CompareWithOnnxRuntime = false,
        };
        var progress = new StringWriter();

        PerformanceReport report = PerformanceBenchmark.Run(options, progress: progress);

        report.OnnxRuntimeImagesPerSecond.Should().BeNull();
        report.ToJson().Should().NotContain("ort_");
        progress.ToString().Should().NotContain("ONNX Runtime");
    }

    [Fact]
    public void Images_of_another_shape_are_rejected_with_the_expected_shape()
    {
        var data = new LabeledDataset(new FloatTensor(100, 1, 20, 20), new int[100]);

        Action run = () => PerformanceBenchmark.Run(new PerformanceBenchmarkOptions { TimedSteps = 1 }, data);

        run.Should().Throw<ArgumentException>().WithMessage("*[count ≥ 100, 1, 28, 28]*[100, 1, 20, 20]*");
    }

    [Fact]
    public void A_count_of_zero_is_rejected()
    {
        Action run = () => PerformanceBenchmark.Run(new PerformanceBenchmarkOptions { TimedSteps = 0 });

        run.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*TimedSteps*");
    }
}
