using System.Diagnostics;
using ConvNet.Core.Kernels;
using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Networks;

/// <summary>
/// How a <see cref="Sequential"/> runs inference: its layers grouped into stages, each either a fused kernel over a run of
/// layers or one layer's own inference-mode Forward.
/// </summary>
/// <remarks>
/// <para>Fused runs: Convolution (any kernel shape) [+ Relu] [+ unpadded max Pooling over square windows whose stride is
/// their size] [+ Relu] in one pass per image
/// (<see cref="FusedConvolution"/>: bit for bit the layers' result), and Affine [+ Relu] (<see cref="FusedAffine"/>: the
/// layers' result bit for bit from <see cref="FusedAffine.MaxStreamedRows"/> + 1 rows up, and within float rounding of it
/// below). Dropout is the identity at inference and is left out. Every other layer, and any run the fusion does not cover
/// (average, overlapping, rectangular or padded pooling, a ReLU after anything else), runs layer by layer: <see cref="LayerByLayer"/> is that
/// reference for the whole network, which the tests compare the fused plan against.</para>
/// <para>A plan holds only its layers, reads their parameters at each call and keeps no state, so one plan serves any
/// number of threads at once. Intermediate outputs come from <see cref="InferenceBuffers"/> and go back as soon as the
/// next stage has read them.</para>
/// </remarks>
internal sealed class InferencePlan
{
    private readonly Stage[] _stages;

    private InferencePlan(Stage[] stages) => _stages = stages;

    /// <summary>The stages' names in order: the layer names of a fused run joined by '+' (for tests and benchmarks).</summary>
    public IReadOnlyList<string> StageNames => [.. _stages.Select(stage => stage.Name)];

    /// <summary>The fastest plan for <paramref name="layers"/>: fused where a run of layers allows it.</summary>
    public static InferencePlan Fused(IReadOnlyList<ILayer> layers)
    {
        ILayer[] kept = [.. layers.Where(layer => layer is not Dropout)];
        var stages = new List<Stage>();
        for (int index = 0; index < kept.Length;)
        {
            switch (kept[index])
            {
                case Convolution:
                    var run = ConvolutionRun.At(kept, index);
                    stages.Add(new ConvolutionStage(run.Convolution, run.Relu, run.Pooling?.PoolHeight ?? 1, ConvolutionRun.NameOf(kept, index, run.End)));
                    index = run.End;
                    break;
                case Affine affine:
                    int affineEnd = index + 1;
                    bool affineRelu = ConvolutionRun.TakeRelu(kept, ref affineEnd);
                    stages.Add(new AffineStage(affine, affineRelu, ConvolutionRun.NameOf(kept, index, affineEnd)));
                    index = affineEnd;
                    break;
                default:
                    stages.Add(new LayerStage(kept[index]));
                    index++;
                    break;
            }
        }

        return new InferencePlan([.. stages]);
    }

    /// <summary>The reference plan: every layer's own inference-mode Forward, one after another.</summary>
    public static InferencePlan LayerByLayer(IReadOnlyList<ILayer> layers) => new([.. layers.Select(layer => new LayerStage(layer))]);

    /// <summary>Runs the stages on <paramref name="input"/> (already checked against the network's input shape).</summary>
    /// <returns>Scores in storage the caller owns: never the input's storage, even when the last stages are views of it.</returns>
    public FloatTensor Run(FloatTensor input) => Run(input, []);

    /// <summary>The same, adding each stage's <see cref="Stopwatch"/> ticks to <paramref name="ticks"/> (one per stage) unless it is empty.</summary>
    public FloatTensor Run(FloatTensor input, Span<long> ticks)
    {
        FloatTensor output = input;
        for (int index = 0; index < _stages.Length; index++)
        {
            long start = ticks.IsEmpty ? 0 : Stopwatch.GetTimestamp();
            FloatTensor next = _stages[index].Forward(output);
            if (!ticks.IsEmpty)
            {
                ticks[index] += Stopwatch.GetTimestamp() - start;
            }

            // An intermediate output is dead once the next stage has read it (unless that stage returned a view of
            // it): hand its storage back. The caller's input is never taken.
            if (!ReferenceEquals(output, input) && !next.SharesStorageWith(output))
            {
                InferenceBuffers.Return(output);
            }

            output = next;
        }

        if (output.SharesStorageWith(input))
        {
            FloatTensor copy = InferenceBuffers.Rent(output.Shape);
            output.ReadOnlySpan.CopyTo(copy.Span);
            output = copy;
        }

        return output;
    }

    /// <summary>One step of a plan: a function of the batch that returns a new tensor (or a view of its input).</summary>
    private abstract class Stage(string name)
    {
        public string Name { get; } = name;

        public abstract FloatTensor Forward(FloatTensor input);
    }

    private sealed class LayerStage(ILayer layer) : Stage(layer.Name)
    {
        public override FloatTensor Forward(FloatTensor input) => layer.Forward(input, training: false);
    }

    private sealed class ConvolutionStage(Convolution convolution, bool relu, int poolSize, string name) : Stage(name)
    {
        private readonly ConvolutionEpilogue _epilogue = new(relu, poolSize);

        public override FloatTensor Forward(FloatTensor input)
        {
            TensorShape convolved = convolution.GetOutputShape(input.Shape);
            WindowGeometry geometry = convolution.GeometryFor(input.Shape);
            FloatTensor output = InferenceBuffers.Rent(
                new TensorShape(convolved[0], convolved[1], _epilogue.OutputHeight(geometry), _epilogue.OutputWidth(geometry)));
            ConvolutionRunKernel.Forward(
                input.ReadOnlySpan, convolution.Weight.Value.ReadOnlySpan, convolution.Bias.Value.ReadOnlySpan, output.Span, [], convolved[0], geometry, _epilogue);
            return output;
        }
    }

    private sealed class AffineStage(Affine affine, bool relu, string name) : Stage(name)
    {
        public override FloatTensor Forward(FloatTensor input)
        {
            FloatTensor output = InferenceBuffers.Rent(affine.GetOutputShape(input.Shape));
            FusedAffine.Forward(input.ReadOnlySpan, affine.Weight.Value.ReadOnlySpan, affine.Bias.Value.ReadOnlySpan, output.Span, output.Shape[0], relu);
            return output;
        }
    }
}
