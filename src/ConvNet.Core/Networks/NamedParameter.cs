using ConvNet.Core.Layers;

namespace ConvNet.Core.Networks;

/// <summary>A parameter with its network-wide dotted name, such as <c>conv1.weight</c>.</summary>
/// <param name="Name">The layer name and the parameter name joined by a dot.</param>
/// <param name="Parameter">The parameter itself, owned by its layer.</param>
public sealed record NamedParameter(string Name, Parameter Parameter);
