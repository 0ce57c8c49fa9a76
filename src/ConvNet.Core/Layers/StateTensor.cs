using ConvNet.Core.Tensors;

namespace ConvNet.Core.Layers;

/// <summary>A named non-trainable tensor of an <see cref="IStatefulLayer"/>, such as <c>running_mean</c>.</summary>
/// <param name="Name">The name within its layer.</param>
/// <param name="Value">The tensor, owned by the layer; checkpoints read it and restore into it in place.</param>
public sealed record StateTensor(string Name, FloatTensor Value);
