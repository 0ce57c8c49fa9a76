using ConvNet.Core.Tensors;

namespace ConvNet.Core.Layers;

/// <summary>
/// A layer that holds state besides its trainable <see cref="ILayer.Parameters"/> which must survive a checkpoint,
/// such as the running mean and variance of <see cref="BatchNormalization"/>.
/// </summary>
/// <remarks>
/// Optimizers never see these tensors; serializers save and restore them under <c>layer.state</c> names (for example
/// <c>bn1.running_mean</c>), next to the parameters. Restoring writes into the tensors' spans in place.
/// </remarks>
public interface IStatefulLayer : ILayer
{
    /// <summary>The non-trainable state tensors, named within the layer, in a fixed order.</summary>
    IReadOnlyList<StateTensor> State { get; }
}
