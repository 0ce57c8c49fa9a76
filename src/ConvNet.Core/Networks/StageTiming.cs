namespace ConvNet.Core.Networks;

/// <summary>
/// How long one stage of a network's training step or prediction took (<see cref="Sequential.ProfileGradients"/>,
/// <see cref="Sequential.ProfilePredict"/>).
/// </summary>
/// <param name="Name">A layer's name, layers run as one fused kernel joined by '+' (<c>conv1+relu1+pool1</c>), or <c>loss</c>.</param>
/// <param name="Forward">The forward pass (training or inference mode).</param>
/// <param name="Backward">The backward pass; zero for a prediction.</param>
public sealed record StageTiming(string Name, TimeSpan Forward, TimeSpan Backward);
