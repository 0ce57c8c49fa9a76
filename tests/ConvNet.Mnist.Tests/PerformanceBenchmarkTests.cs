using System.Diagnostics;
using ConvNet.Core.Data;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;
using ConvNet.Core.Training;
using ConvNet.Mnist.Bench;

namespace ConvNet.Core.Tests.Training;

public class PerformanceBenchmarkTests
{
    [Fact]
    public void The_report_is_one_JSON_line_with_the_seven_figures()
    {
        var report = new PerformanceReport(12.3456, 7.4071, 12345.6, 0.123456, 98.76, 0) { ColdLatencyMilliseconds = 0.654321 };

        report.ToJson().Should().Be(
            "{\"train_step_ms\": 12.346, \"epoch_s\": 7.41, \"infer_images_per_s\": 12346, \"latency_ms\": 0.1235, \"cold_latency_ms\": 0.6543, " +
            "\"gemm_gflops\": 98.8, \"allocated_bytes_per_step\": 0}");
    }

    [Fact]
    public void The_report_adds_the_peer_s_name_and_figures_when_one_was_compared()
    {
        var report = new PerformanceReport(12.3456, 7.4071, 12345.6, 0.123456, 98.76, 0)
        {
            Peer = "ONNX Runtime 1.31.1 on the exported network",
            PeerImagesPerSecond = 23456.7,
            PeerLatencyMilliseconds = 0.054321,
            PeerColdLatencyMilliseconds = 0.43219,
        };

        report.ToJson().Should().EndWith(
            ", \"allocated_bytes_per_step\": 0, \"peer\": \"ONNX Runtime 1.31.1 on the exported network\", \"peer_infer_images_per_s\": 23457, " +
            "\"peer_latency_ms\": 0.0543, \"peer_cold_latency_ms\": 0.4322}");
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
        report.ColdLatencyMilliseconds.Should().BePositive();
        report.GemmGflops.Should().BePositive();
        report.AllocatedBytesPerStep.Should().BeGreaterThanOrEqualTo(0);
        progress.ToString().Should().Contain("train step @100").And.Contain("inference @100").And.Contain("batch-1 latency").And.Contain("GEMM 1024³");
        report.Peer.Should().BeNull();
        report.PeerImagesPerSecond.Should().BeNull();
        report.ToJson().Should().NotContain("peer");
    }

    [Fact]
    public void A_peer_engine_is_made_from_the_benchmarked_network_and_timed_on_the_same_images()
    {
        var options = new PerformanceBenchmarkOptions
        {
            TimedSteps = 1, WarmupSteps = 0, InferenceImages = 200, InferencePasses = 2, LatencyRuns = 60, GemmRuns = 1,
        };
        var progress = new StringWriter();
        CountingPeer? peer = null;

        PerformanceReport report = PerformanceBenchmark.Run(options, progress: progress, peer: (network, data) => peer = new CountingPeer(network, data));

        peer.Should().NotBeNull();
        peer!.Disposed.Should().BeTrue("the benchmark owns the peer it made");
        peer.BatchImages.Should().Be(3 * 200, "one untimed and two timed inference passes of 200 images");

        // Single images in three turns (an untimed one, then one per block of 50 for the 60 timed), the turns 50 ms apart:
        // each turn warms up for at least 25 ms and 50 calls before its timed block.
        var turns = new List<List<(long Start, long End)>>();
        for (int call = 0; call < peer.SingleImageCalls.Count; call++)
        {
            if (call == 0 || Stopwatch.GetElapsedTime(peer.SingleImageCalls[call - 1].End, peer.SingleImageCalls[call].Start).TotalMilliseconds > 40)
            {
                turns.Add([]);
            }

            turns[^1].Add(peer.SingleImageCalls[call]);
        }

        turns.Should().HaveCount(3);
        turns.Sum(turn => turn.Count).Should().BeGreaterThanOrEqualTo((3 * 50) + 60);
        foreach (List<(long Start, long End)> turn in turns)
        {
            Stopwatch.GetElapsedTime(turn[0].Start, turn[^1].End).TotalMilliseconds.Should().BeGreaterThan(24, "a turn warms up for 25 ms (from just before its first call) before its timed calls");
        }
        report.Peer.Should().Be("ConvNet again");
        report.PeerImagesPerSecond.Should().BePositive();
        report.PeerLatencyMilliseconds.Should().BePositive();
        report.PeerColdLatencyMilliseconds.Should().BePositive();
        progress.ToString().Should().Contain("ConvNet again, ").And.Contain("same run");
    }

    [Fact]
    public void A_given_inference_network_is_the_one_timed_and_handed_to_the_peer()
    {
        // A trained model, as deployed: its weights, not the benchmark's own network's, are what the peer is made from.
        Sequential model = SimpleConvNet.Create(seed: 7);
        var options = new PerformanceBenchmarkOptions
        {
            TimedSteps = 1, WarmupSteps = 0, InferenceImages = 100, InferencePasses = 1, LatencyRuns = 1, GemmRuns = 1, InferenceNetwork = model,
        };
        INetwork? handed = null;

        PerformanceBenchmark.Run(options, peer: (network, data) => new CountingPeer(handed = network, data));

        handed.Should().BeSameAs(model);
    }

    /// <summary>A real second engine: another call path into the same network, counting the images it scored.</summary>
    private sealed class CountingPeer(INetwork network, LabeledDataset data) : IInferencePeer
    {
        public int BatchImages { get; private set; }

        // When each single-image call began and ended (Stopwatch timestamps).
        public List<(long Start, long End)> SingleImageCalls { get; } = [];

        public bool Disposed { get; private set; }

        public string Name => "ConvNet again";

        public void Predict(int start, int count)
        {
            long callStart = Stopwatch.GetTimestamp();
            network.Predict(data.Inputs.SliceBatch(start, count));
            if (count == 1)
            {
                SingleImageCalls.Add((callStart, Stopwatch.GetTimestamp()));
            }
            else
            {
                BatchImages += count;
            }
        }

        public void Dispose() => Disposed = true;
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
