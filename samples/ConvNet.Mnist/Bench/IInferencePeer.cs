namespace ConvNet.Mnist.Bench;

/// <summary>
/// Another inference engine that <see cref="PerformanceBenchmark.Run"/> times in turns with ConvNet's own Predict, on
/// the same images (the benchmarks project brings ONNX Runtime as one; the sample itself carries no native engine).
/// </summary>
public interface IInferencePeer : IDisposable
{
    /// <summary>What runs, for the progress line and the report (for example "ONNX Runtime 1.31.1").</summary>
    string Name { get; }

    /// <summary>Scores the <paramref name="count"/> images from <paramref name="start"/> of the data the peer was made for.</summary>
    void Predict(int start, int count);
}
