using System.Text.Json;
using ConvNet.Core.Models;
using ConvNet.Core.Tensors;

namespace ConvNet.Web;

/// <summary>The answer of <c>GET /api/model</c>: what the app serves, as its file describes it.</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Source">The model file's full path, or how the app made the model.</param>
/// <param name="Architecture">The architecture the file stores (input shape, each layer's kind and hyper-parameters, the loss).</param>
/// <param name="Layers">Each layer's name, kind and output shape for one item.</param>
/// <param name="Labels">The class labels, in class order.</param>
/// <param name="ParameterCount">The number of trainable values.</param>
/// <param name="TestAccuracy">The accuracy on its test set, when the file records it.</param>
/// <param name="Properties">The file's free-form properties.</param>
internal sealed record ModelDescription(
    string Name,
    string Source,
    JsonElement Architecture,
    IReadOnlyList<LayerDescription> Layers,
    IReadOnlyList<string> Labels,
    long ParameterCount,
    double? TestAccuracy,
    IReadOnlyDictionary<string, string> Properties)
{
    /// <summary>Describes <paramref name="model"/>, walking its layers from its input shape.</summary>
    public static ModelDescription Of(Model model, string source)
    {
        var layers = new List<LayerDescription>(model.Network.Layers.Count);
        var shape = new TensorShape([1, .. model.Network.InputShape.ToArray()]);   // a batch of one
        foreach (var layer in model.Network.Layers)
        {
            shape = layer.GetOutputShape(shape);
            layers.Add(new LayerDescription(layer.Name, layer.GetType().Name, shape.ToArray()[1..]));
        }

        using JsonDocument architecture = JsonDocument.Parse(model.Architecture);
        return new ModelDescription(
            model.Name,
            source,
            architecture.RootElement.Clone(),
            layers,
            model.Labels,
            model.Network.Parameters.Sum(parameter => (long)parameter.Parameter.Value.Length),
            model.TestAccuracy,
            model.Properties);
    }
}

/// <summary>One layer of <see cref="ModelDescription.Layers"/>.</summary>
/// <param name="Name">The layer's name, such as <c>conv1</c>.</param>
/// <param name="Kind">The layer's type, such as <c>Convolution</c>.</param>
/// <param name="OutputShape">Its output for one item, such as [30, 24, 24].</param>
internal sealed record LayerDescription(string Name, string Kind, int[] OutputShape);
