using System.Globalization;
using System.Text.Json;

namespace ConvNet.Mnist.Bench;

/// <summary>
/// What <see cref="PerformanceBenchmark.Run"/> measured: medians after warm-up, for SimpleConvNet at the
/// benchmark's batch size and for a 1024³ matrix product.
/// </summary>
/// <param name="TrainStepMilliseconds">One training step: forward, backward and an SGD update of every parameter.</param>
/// <param name="EpochSeconds">The training step time × the number of steps in one epoch of the training set.</param>
/// <param name="InferenceImagesPerSecond">Predictions per second over the inference set, in batches.</param>
/// <param name="LatencyMilliseconds">One prediction for a single image, predicting image after image (warm caches).</param>
/// <param name="GemmGflops">Billions of floating-point operations per second of the 1024×1024×1024 product.</param>
/// <param name="AllocatedBytesPerStep">Managed bytes allocated per steady-state training step, on all threads.</param>
/// <remarks>With a peer engine compared, its two figures were measured in turns with ConvNet's, on the same images.</remarks>
public sealed record PerformanceReport(
    double TrainStepMilliseconds,
    double EpochSeconds,
    double InferenceImagesPerSecond,
    double LatencyMilliseconds,
    double GemmGflops,
    long AllocatedBytesPerStep)
{
    /// <summary>One prediction for a single image as the first call after an idle pause (weights read from memory).</summary>
    public double ColdLatencyMilliseconds { get; init; }

    /// <summary>The peer's first call after the same pause, or null when not compared.</summary>
    public double? PeerColdLatencyMilliseconds { get; init; }

    /// <summary>The peer engine timed beside ConvNet's inference (for example "ONNX Runtime 1.31.1"), or null for none.</summary>
    public string? Peer { get; init; }

    /// <summary>The peer's predictions per second on the same network and images, or null when not compared.</summary>
    public double? PeerImagesPerSecond { get; init; }

    /// <summary>The peer's single-image time on the same network, or null when not compared.</summary>
    public double? PeerLatencyMilliseconds { get; init; }

    /// <summary>
    /// The report as one JSON line: <c>{"train_step_ms": …, "epoch_s": …, "infer_images_per_s": …, "latency_ms": …,
    /// "cold_latency_ms": …, "gemm_gflops": …, "allocated_bytes_per_step": …}</c>, with <c>"peer"</c>,
    /// <c>"peer_infer_images_per_s"</c>, <c>"peer_latency_ms"</c> and <c>"peer_cold_latency_ms"</c> before the closing brace
    /// when a peer was compared.
    /// </summary>
    public string ToJson()
    {
        string figures = string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"train_step_ms\": {TrainStepMilliseconds:F3}, \"epoch_s\": {EpochSeconds:F2}, \"infer_images_per_s\": {InferenceImagesPerSecond:F0}, " +
            $"\"latency_ms\": {LatencyMilliseconds:F4}, \"cold_latency_ms\": {ColdLatencyMilliseconds:F4}, \"gemm_gflops\": {GemmGflops:F1}, \"allocated_bytes_per_step\": {AllocatedBytesPerStep}");
        string peer = Peer is { } name && PeerImagesPerSecond is { } images && PeerLatencyMilliseconds is { } latency
            && PeerColdLatencyMilliseconds is { } coldLatency
            ? string.Create(
                CultureInfo.InvariantCulture,
                $", \"peer\": {JsonSerializer.Serialize(name)}, \"peer_infer_images_per_s\": {images:F0}, \"peer_latency_ms\": {latency:F4}, \"peer_cold_latency_ms\": {coldLatency:F4}")
            : "";
        return figures + peer + "}";
    }
}
