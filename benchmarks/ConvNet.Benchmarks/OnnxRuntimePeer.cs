using ConvNet.Core;
using ConvNet.Core.Data;
using ConvNet.Core.Networks;
using ConvNet.Mnist.Bench;
using ConvNet.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace ConvNet.Benchmarks;

/// <summary>
/// ONNX Runtime running the ONNX export of a network, the way the fastest C# callers use it (and the ONNX Runtime
/// anchor measured it): CPU, as many intra-op threads as ConvNet's kernels use, all graph optimizations, inputs and
/// outputs pre-allocated as <see cref="OrtValue"/>s over managed arrays, so a call copies nothing.
/// </summary>
internal sealed class OnnxRuntimePeer : IInferencePeer
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames = [OnnxExport.InputName];
    private readonly string[] _outputNames = [OnnxExport.ScoresName];
    private readonly float[] _images;
    private readonly Dictionary<(int Start, int Count), OrtValue> _inputs = [];
    private readonly Dictionary<int, OrtValue> _outputs = [];
    private readonly OrtValue[] _callInputs = new OrtValue[1];
    private readonly OrtValue[] _callOutputs = new OrtValue[1];
    private readonly long[] _itemShape;
    private readonly int _itemSize;
    private readonly int _classCount;

    /// <summary>Exports <paramref name="network"/> in memory and opens a session on it over a copy of <paramref name="data"/>'s images.</summary>
    public OnnxRuntimePeer(INetwork network, LabeledDataset data)
    {
        using var model = new MemoryStream();
        OnnxExport.Save(network, model);
        _options = new SessionOptions
        {
            IntraOpNumThreads = ConvNetRuntime.ThreadCount,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(model.ToArray(), _options);
        _images = data.Inputs.ToArray();
        _itemShape = Array.ConvertAll(network.InputShape.ToArray(), dimension => (long)dimension);
        _itemSize = network.InputShape.ElementCount;
        _classCount = network.ClassCount;
    }

    /// <inheritdoc/>
    public string Name => $"ONNX Runtime {OrtEnv.Instance().GetVersionString()} on the exported network";

    /// <inheritdoc/>
    /// <remarks>Input views and outputs are made on first use of each range, then reused.</remarks>
    public void Predict(int start, int count)
    {
        if (!_inputs.TryGetValue((start, count), out OrtValue? input))
        {
            long[] shape = [count, .. _itemShape];
            input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _images.AsMemory(start * _itemSize, count * _itemSize), shape);
            _inputs[(start, count)] = input;
        }

        if (!_outputs.TryGetValue(count, out OrtValue? output))
        {
            output = OrtValue.CreateTensorValueFromMemory(new float[count * _classCount], [count, _classCount]);
            _outputs[count] = output;
        }

        _callInputs[0] = input;
        _callOutputs[0] = output;
        _session.Run(_runOptions, _inputNames, _callInputs, _outputNames, _callOutputs);
    }

    public void Dispose()
    {
        foreach (OrtValue value in _inputs.Values.Concat(_outputs.Values))
        {
            value.Dispose();
        }

        _runOptions.Dispose();
        _session.Dispose();
        _options.Dispose();
    }
}
