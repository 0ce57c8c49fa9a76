using ConvNet.Core.Tensors;

namespace ConvNet.Core.Networks;

/// <summary>One row of a <see cref="NetworkSummary"/>: a layer, what it outputs per item, what it holds and what it costs.</summary>
/// <param name="Name">The layer's name, such as <c>conv1</c>.</param>
/// <param name="Kind">The layer's type name, such as <c>Convolution</c>.</param>
/// <param name="OutputShape">The shape of the layer's output for one item, without the batch axis (for example [30, 24, 24]).</param>
/// <param name="ParameterCount">The number of trainable values (weights and biases).</param>
/// <param name="StateCount">The number of non-trainable values a checkpoint keeps (batch normalization's running statistics).</param>
/// <param name="Flops">
/// The floating-point operations of one item's inference forward pass (a multiply-add counts two); null for a layer
/// type the summary does not know.
/// </param>
public sealed record LayerSummary(string Name, string Kind, TensorShape OutputShape, long ParameterCount, long StateCount, long? Flops);
