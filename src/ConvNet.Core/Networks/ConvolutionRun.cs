using ConvNet.Core.Layers;

namespace ConvNet.Core.Networks;

/// <summary>
/// A Convolution (any kernel shape) followed by what its fused kernel can apply on the way out: a <see cref="Relu"/>,
/// unpadded max <see cref="Pooling"/> over square windows whose stride is their size, or both (in either order: they
/// commute exactly).
/// </summary>
/// <param name="Convolution">The first layer of the run.</param>
/// <param name="Relu">Whether a ReLU belongs to the run.</param>
/// <param name="Pooling">The max pooling of the run, or null.</param>
/// <param name="End">The index after the run's last layer.</param>
internal readonly record struct ConvolutionRun(Convolution Convolution, bool Relu, Pooling? Pooling, int End)
{
    /// <summary>The run that starts at <paramref name="index"/>, a Convolution.</summary>
    public static ConvolutionRun At(ILayer[] layers, int index)
    {
        var convolution = (Convolution)layers[index];
        int end = index + 1;
        bool relu = TakeRelu(layers, ref end);
        Pooling? pooling = layers.ElementAtOrDefault(end) is Pooling { Mode: PoolingMode.Max, Padding: 0 } candidate
            && candidate.PoolHeight == candidate.PoolWidth && candidate.Stride == candidate.PoolHeight
            ? candidate
            : null;
        if (pooling is not null)
        {
            end++;
            relu = relu || TakeRelu(layers, ref end);
        }

        return new ConvolutionRun(convolution, relu, pooling, end);
    }

    /// <summary>Moves <paramref name="index"/> past a ReLU layer there, if any; returns whether it did.</summary>
    public static bool TakeRelu(ILayer[] layers, ref int index)
    {
        if (layers.ElementAtOrDefault(index) is Relu)
        {
            index++;
            return true;
        }

        return false;
    }

    /// <summary>The layer names of [<paramref name="start"/>, <paramref name="end"/>) joined by '+': a fused stage's name.</summary>
    public static string NameOf(ILayer[] layers, int start, int end) => string.Join('+', layers[start..end].Select(layer => layer.Name));
}
