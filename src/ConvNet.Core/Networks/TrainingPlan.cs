using System.Diagnostics;
using ConvNet.Core.Kernels;
using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Networks;

/// <summary>
/// How a <see cref="Sequential"/> runs a training step's forward and backward passes: each Convolution with the ReLU and
/// non-overlapping max pooling after it (<see cref="ConvolutionRun"/>) as one fused stage, every other layer on its own.
/// </summary>
/// <remarks>
/// A fused stage keeps its input, its (pooled) output and where each pooled maximum came from; its backward pass rebuilds
/// each image's convolution-output gradient from those (<see cref="ConvolutionOutputGradient"/>). So the batch-sized
/// convolution output, ReLU output and their gradients, each as large as the convolution's output, are never written,
/// and the parameter and input gradients are bit for bit those of the layers run one by one — except a pooled stage's
/// weight and bias gradients where <see cref="PooledWeightGradient"/> serves its windows: those sum only the products at
/// the pooled maxima (the others are zero), the same sums in another order. The stages reuse their
/// buffers while the batch shape stays the same (nothing is allocated in steady state); one training loop per network.
/// A stage keeps a reference to its input for its backward pass rather than a copy: <see cref="Sequential"/> runs the
/// forward and backward passes in one call, and no stage writes into another's output.
/// </remarks>
internal sealed class TrainingPlan
{
    private readonly Stage[] _stages;

    private TrainingPlan(Stage[] stages) => _stages = stages;

    /// <summary>The stages' names in order: the layer names of a fused run joined by '+'.</summary>
    public IReadOnlyList<string> StageNames => [.. _stages.Select(stage => stage.Name)];

    /// <summary>The plan for <paramref name="layers"/>: convolution runs fused, other layers as they are.</summary>
    public static TrainingPlan Fused(ILayer[] layers)
    {
        var stages = new List<Stage>();
        for (int index = 0; index < layers.Length;)
        {
            if (layers[index] is Convolution)
            {
                var run = ConvolutionRun.At(layers, index);
                stages.Add(new ConvolutionStage(run, ConvolutionRun.NameOf(layers, index, run.End)));
                index = run.End;
            }
            else
            {
                stages.Add(new LayerStage(layers[index]));
                index++;
            }
        }

        return new TrainingPlan([.. stages]);
    }

    /// <summary>Training-mode forward pass through every stage.</summary>
    /// <param name="input">The batch.</param>
    /// <param name="ticks">Empty, or one counter per stage that each stage's <see cref="Stopwatch"/> ticks are added to.</param>
    public FloatTensor Forward(FloatTensor input, Span<long> ticks)
    {
        FloatTensor output = input;
        for (int stage = 0; stage < _stages.Length; stage++)
        {
            long start = ticks.IsEmpty ? 0 : Stopwatch.GetTimestamp();
            output = _stages[stage].Forward(output);
            if (!ticks.IsEmpty)
            {
                ticks[stage] += Stopwatch.GetTimestamp() - start;
            }
        }

        return output;
    }

    /// <summary>Backward pass through every stage, from dLoss/dScores; fills every parameter gradient.</summary>
    /// <param name="gradient">dLoss/dOutput of the last stage.</param>
    /// <param name="ticks">As for <see cref="Forward"/>.</param>
    public void Backward(FloatTensor gradient, Span<long> ticks)
    {
        for (int stage = _stages.Length - 1; stage >= 0; stage--)
        {
            long start = ticks.IsEmpty ? 0 : Stopwatch.GetTimestamp();
            gradient = _stages[stage].Backward(gradient);
            if (!ticks.IsEmpty)
            {
                ticks[stage] += Stopwatch.GetTimestamp() - start;
            }
        }
    }

    /// <summary>One step of the plan: a training-mode forward function and its backward pass.</summary>
    private abstract class Stage(string name)
    {
        public string Name { get; } = name;

        public abstract FloatTensor Forward(FloatTensor input);

        public abstract FloatTensor Backward(FloatTensor outputGradient);
    }

    private sealed class LayerStage(ILayer layer) : Stage(layer.Name)
    {
        // Backward follows in the same step, before anything can change the input: an affine layer need not copy it.
        public override FloatTensor Forward(FloatTensor input) =>
            layer is Affine affine ? affine.ForwardKeepingInput(input) : layer.Forward(input, training: true);

        public override FloatTensor Backward(FloatTensor outputGradient) => layer.Backward(outputGradient);
    }

    private sealed unsafe class ConvolutionStage(ConvolutionRun run, string name) : Stage(name)
    {
        private readonly Convolution _convolution = run.Convolution;
        private readonly ConvolutionEpilogue _epilogue = new(run.Relu, run.Pooling?.PoolHeight ?? 1);
        private WindowGeometry _geometry;
        private FloatTensor? _input;
        private FloatTensor? _output;
        private FloatTensor? _inputGradient;
        private int[]? _maxIndices;

        public override FloatTensor Forward(FloatTensor input)
        {
            TensorShape convolved = _convolution.GetOutputShape(input.Shape);
            _geometry = _convolution.GeometryFor(input.Shape);
            FloatTensor output = LayerGuard.Reuse(
                ref _output, new TensorShape(convolved[0], convolved[1], _epilogue.OutputHeight(_geometry), _epilogue.OutputWidth(_geometry)));
            Span<int> maxIndices = _epilogue.PoolSize > 1 ? LayerGuard.Reuse(ref _maxIndices, output.Length) : [];
            ConvolutionRunKernel.Forward(
                input.ReadOnlySpan, _convolution.Weight.Value.ReadOnlySpan, _convolution.Bias.Value.ReadOnlySpan, output.Span, maxIndices, convolved[0], _geometry, _epilogue);

            // Backward reads the input again; it follows in the same step, before anything can change the input, so a
            // reference is enough (the layer's own Forward copies, for callers that may change it in between).
            _input = input;
            return output;
        }

        public override FloatTensor Backward(FloatTensor outputGradient)
        {
            LayerGuard.CheckOutputGradient(Name, _output?.Shape, outputGradient);
            FloatTensor input = _input!; // Set by the same Forward that set _output.
            int batchSize = input.Shape[0];
            FloatTensor inputGradient = LayerGuard.Reuse(ref _inputGradient, input.Shape);
            fixed (float* gradient = outputGradient.ReadOnlySpan, output = _output!.ReadOnlySpan)
            fixed (int* maxIndices = _maxIndices)
            {
                int pooledPlane = _epilogue.OutputHeight(_geometry) * _epilogue.OutputWidth(_geometry);
                float* reluOutput = _epilogue.Relu ? output : null;
                ConvolutionOutputGradient source = _epilogue switch
                {
                    { PoolSize: > 1 } => ConvolutionOutputGradient.ThroughMaxPooling(gradient, reluOutput, maxIndices, pooledPlane),
                    { Relu: true } => ConvolutionOutputGradient.ThroughRelu(gradient, output),
                    _ => ConvolutionOutputGradient.Dense(gradient),
                };
                if (_epilogue.PoolSize > 1 && PooledWeightGradient.Supports(_geometry))
                {
                    PooledWeightGradient.Compute(
                        input.ReadOnlySpan, gradient, reluOutput, maxIndices, pooledPlane, _convolution.Weight.Gradient.Span, _convolution.Bias.Gradient.Span, batchSize, _geometry);
                }
                else
                {
                    ConvolutionKernels.ParameterGradients(
                        input.ReadOnlySpan, source, _convolution.Weight.Gradient.Span, _convolution.Bias.Gradient.Span, batchSize, _geometry);
                }

                if (_convolution.ComputesInputGradient)
                {
                    ConvolutionKernels.InputGradient(
                        source, _convolution.Weight.Value.ReadOnlySpan, inputGradient.Span, batchSize, _convolution.FilterCount, _geometry);
                }
            }

            return inputGradient;
        }
    }
}
