namespace ConvNet.Core.Models;

/// <summary>One class of a prediction with its probability, as <see cref="Model"/>'s top-k methods rank them.</summary>
/// <param name="ClassIndex">The class index, in [0, classes).</param>
/// <param name="Label">The class's name (<see cref="Model.Labels"/>): its class name, or the index as text.</param>
/// <param name="Probability">The softmax probability, in [0, 1].</param>
public readonly record struct ClassScore(int ClassIndex, string Label, float Probability);
