using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;

namespace ConvNet.Web;

/// <summary>The answer of <c>GET /api/model</c>: what the app serves.</summary>
/// <param name="Name">The model's name (<c>simple</c>, <c>deep</c>, <c>best</c>).</param>
/// <param name="Source">The model file's full path, or how the app made the model.</param>
/// <param name="Architecture">The layer kinds in forward order, for example <c>Convolution-Relu-Pooling-...</c>.</param>
/// <param name="InputShape">One input item's shape, [1, 28, 28].</param>
/// <param name="Layers">Each layer's name, kind and output shape for one item.</param>
/// <param name="ParameterCount">The number of trainable values.</param>
/// <param name="TestAccuracy">The accuracy on the MNIST test set, when known.</param>
internal sealed record ModelDescription(
    string Name,
    string Source,
    string Architecture,
    int[] InputShape,
    IReadOnlyList<LayerDescription> Layers,
    long ParameterCount,
    double? TestAccuracy)
{
    /// <summary>Describes <paramref name="network"/> by walking its layers from its input shape.</summary>
    public static ModelDescription Of(INetwork network, string name, string source, double? testAccuracy)
    {
        var layers = new List<LayerDescription>(network.Layers.Count);
        var shape = new TensorShape([1, .. network.InputShape.ToArray()]);   // a batch of one
        foreach (var layer in network.Layers)
        {
            shape = layer.GetOutputShape(shape);
            layers.Add(new LayerDescription(layer.Name, layer.GetType().Name, shape.ToArray()[1..]));
        }

        return new ModelDescription(
            name,
            source,
            string.Join('-', layers.Select(layer => layer.Kind).Append(network.LossLayer.GetType().Name)),
            network.InputShape.ToArray(),
            layers,
            network.Parameters.Sum(parameter => (long)parameter.Parameter.Value.Length),
            testAccuracy);
    }
}

/// <summary>One layer of <see cref="ModelDescription.Layers"/>.</summary>
/// <param name="Name">The layer's name, such as <c>conv1</c>.</param>
/// <param name="Kind">The layer's type, such as <c>Convolution</c>.</param>
/// <param name="OutputShape">Its output for one item, such as [30, 24, 24].</param>
internal sealed record LayerDescription(string Name, string Kind, int[] OutputShape);
