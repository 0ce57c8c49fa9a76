using System.Globalization;
using System.Text;
using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Networks;

/// <summary>
/// What a network is made of, layer by layer, like Keras' <c>model.summary()</c>: each layer's output shape, parameter
/// count and forward FLOPs per image, with totals. <see cref="ToString"/> prints it as a table.
/// </summary>
/// <remarks>
/// FLOPs count one item's inference forward pass: a multiply-add is two operations (convolution and affine products),
/// a bias addition, a pooling-window element, an activation or a comparison one, batch normalization two per value
/// (its scale and shift), dropout and flatten none. The loss is left out.
/// </remarks>
public sealed class NetworkSummary
{
    internal NetworkSummary(INetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        InputShape = network.InputShape;
        ClassCount = network.ClassCount;
        var rows = new List<LayerSummary>(network.Layers.Count);
        TensorShape shape = network.InputShape.AsItemOfBatch(1);
        foreach (ILayer layer in network.Layers)
        {
            TensorShape output = layer.GetOutputShape(shape);
            long parameters = layer.Parameters.Sum(parameter => (long)parameter.Value.Length);
            long state = layer is IStatefulLayer stateful ? stateful.State.Sum(tensor => (long)tensor.Value.Length) : 0;
            rows.Add(new LayerSummary(layer.Name, layer.GetType().Name, WithoutBatch(output), parameters, state, LayerFlops(layer, output)));
            shape = output;
        }

        Layers = rows;
    }

    /// <summary>The shape of one input item.</summary>
    public TensorShape InputShape { get; }

    /// <summary>The number of classes the network scores.</summary>
    public int ClassCount { get; }

    /// <summary>One row per layer, in forward order.</summary>
    public IReadOnlyList<LayerSummary> Layers { get; }

    /// <summary>The number of trainable values.</summary>
    public long ParameterCount => Layers.Sum(layer => layer.ParameterCount);

    /// <summary>The number of non-trainable values a checkpoint keeps.</summary>
    public long StateCount => Layers.Sum(layer => layer.StateCount);

    /// <summary>The forward FLOPs per item, summed over the layers whose cost is known.</summary>
    public long Flops => Layers.Sum(layer => layer.Flops ?? 0);

    /// <summary>The table: one line per layer, then the totals.</summary>
    public override string ToString()
    {
        string[][] cells =
        [
            ["Layer (type)", "Output shape", "Parameters", "FLOPs"],
            .. Layers.Select(layer => new[]
            {
                $"{layer.Name} ({layer.Kind})",
                layer.OutputShape.ToString(),
                Count(layer.ParameterCount + layer.StateCount),
                layer.Flops is { } flops ? Count(flops) : "?",
            }),
        ];
        int[] widths = [.. Enumerable.Range(0, 4).Select(column => cells.Max(row => row[column].Length))];
        string rule = new('-', widths.Sum() + (3 * 2));
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Input {InputShape}, {ClassCount} classes");
        for (int row = 0; row < cells.Length; row++)
        {
            string[] line = cells[row];
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{line[0].PadRight(widths[0])}  {line[1].PadRight(widths[1])}  {line[2].PadLeft(widths[2])}  {line[3].PadLeft(widths[3])}");
            if (row == 0)
            {
                text.AppendLine(rule);
            }
        }

        text.AppendLine(rule);
        long bytes = (ParameterCount + StateCount) * sizeof(float);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Parameters: {Count(ParameterCount + StateCount)} ({Count(ParameterCount)} trainable, {Count(StateCount)} state), {bytes / 1024.0 / 1024.0:0.00} MiB as float32");
        string partial = Layers.Any(layer => layer.Flops is null) ? " (layers marked ? not counted)" : string.Empty;
        text.Append(CultureInfo.InvariantCulture, $"Forward FLOPs per image: {Count(Flops)} ({Flops / 1e6:0.00} M){partial}");
        return text.ToString();
    }

    /// <summary>One item's forward cost, from the layer's kind and its output shape (batch of one).</summary>
    private static long? LayerFlops(ILayer layer, TensorShape output)
    {
        long outputs = output.ElementCount;
        return layer switch
        {
            // Every output value is a dot product over weight.Length / filters inputs, plus its bias.
            Convolution convolution => (2L * convolution.Weight.Value.Length * output[2] * output[3]) + outputs,
            Affine affine => (2L * affine.Weight.Value.Length) + outputs,
            Pooling pooling => outputs * pooling.PoolHeight * pooling.PoolWidth,
            BatchNormalization => 2L * outputs,
            ElementwiseActivation => outputs,
            Dropout or Flatten => 0,
            _ => null,
        };
    }

    private static TensorShape WithoutBatch(TensorShape batchShape) => new(batchShape.ToArray().AsSpan(1));

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
