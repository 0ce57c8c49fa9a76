using System.Globalization;

namespace ConvNet.Mnist.Bench;

/// <summary>
/// What <see cref="PerformanceBenchmark.Run"/> measured: medians after warm-up, for SimpleConvNet at the
/// benchmark's batch size and for a 1024³ matrix product.
/// </summary>
/// <param name="TrainStepMilliseconds">One training step: forward, backward and an SGD update of every parameter.</param>
/// <param name="EpochSeconds">The training step time × the number of steps in one epoch of the training set.</param>
/// <param name="InferenceImagesPerSecond">Predictions per second over the inference set, in batches.</param>
/// <param name="LatencyMilliseconds">One prediction for a single image.</param>
/// <param name="GemmGflops">Billions of floating-point operations per second of the 1024×1024×1024 product.</param>
/// <param name="AllocatedBytesPerStep">Managed bytes allocated per steady-state training step, on all threads.</param>
/// <remarks>With ONNX Runtime compared, its two figures were measured in turns with ConvNet's, on the same images.</remarks>
public sealed record PerformanceReport(
    double TrainStepMilliseconds,
    double EpochSeconds,
    double InferenceImagesPerSecond,
    double LatencyMilliseconds,
    double GemmGflops,
    long AllocatedBytesPerStep)
{
    /// <summary>ONNX Runtime's predictions per second on the export of the same network, or null when not compared.</summary>
    public double? OnnxRuntimeImagesPerSecond { get; init; }

    /// <summary>ONNX Runtime's single-image time on the export of the same network, or null when not compared.</summary>
    public double? OnnxRuntimeLatencyMilliseconds { get; init; }

    /// <summary>
    /// The report as one JSON line: <c>{"train_step_ms": …, "epoch_s": …, "infer_images_per_s": …, "latency_ms": …,
    /// "gemm_gflops": …, "allocated_bytes_per_step": …}</c>, with <c>"ort_infer_images_per_s"</c> and <c>"ort_latency_ms"</c>
    /// before the closing brace when ONNX Runtime was compared.
    /// </summary>
    public string ToJson()
    {
        string figures = string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"train_step_ms\": {TrainStepMilliseconds:F3}, \"epoch_s\": {EpochSeconds:F2}, \"infer_images_per_s\": {InferenceImagesPerSecond:F0}, " +
            $"\"latency_ms\": {LatencyMilliseconds:F4}, \"gemm_gflops\": {GemmGflops:F1}, \"allocated_bytes_per_step\": {AllocatedBytesPerStep}");
        string onnxRuntime = OnnxRuntimeImagesPerSecond is { } images && OnnxRuntimeLatencyMilliseconds is { } latency
            ? string.Create(CultureInfo.InvariantCulture, $", \"ort_infer_images_per_s\": {images:F0}, \"ort_latency_ms\": {latency:F4}")
            : "";
        return figures + onnxRuntime + "}";
    }
}
