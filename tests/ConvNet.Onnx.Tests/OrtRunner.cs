using ConvNet.Core.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace ConvNet.Onnx.Tests;

/// <summary>Runs an ONNX model in ONNX Runtime (CPU, one thread, all graph optimizations unless turned off) on ConvNet tensors.</summary>
internal sealed class OrtRunner : IDisposable
{
    private readonly SessionOptions _options;

    /// <param name="model">The ONNX model's bytes.</param>
    /// <param name="optimize">
    /// False runs the graph as written, with none of ONNX Runtime's graph optimizations (fusions such as Pad into MaxPool).
    /// </param>
    public OrtRunner(byte[] model, bool optimize = true)
    {
        _options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            GraphOptimizationLevel = optimize ? GraphOptimizationLevel.ORT_ENABLE_ALL : GraphOptimizationLevel.ORT_DISABLE_ALL,
        };
        Session = new InferenceSession(model, _options);
    }

    public InferenceSession Session { get; }

    /// <summary>The model's <paramref name="output"/> for <paramref name="input"/>, as a row-major array.</summary>
    public float[] Run(FloatTensor input, string output = OnnxExport.ScoresName)
    {
        long[] shape = Array.ConvertAll(input.Shape.ToArray(), dimension => (long)dimension);
        using OrtValue value = OrtValue.CreateTensorValueFromMemory(input.ToArray(), shape);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> results =
            Session.Run(runOptions, [Session.InputNames[0]], [value], [output]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>The scores of every item of <paramref name="inputs"/>, in batches of <paramref name="batchSize"/>.</summary>
    public float[] RunInBatches(FloatTensor inputs, int batchSize)
    {
        var scores = new List<float>();
        for (int start = 0; start < inputs.Shape[0]; start += batchSize)
        {
            scores.AddRange(Run(inputs.SliceBatch(start, Math.Min(batchSize, inputs.Shape[0] - start))));
        }

        return [.. scores];
    }

    public void Dispose()
    {
        Session.Dispose();
        _options.Dispose();
    }
}
