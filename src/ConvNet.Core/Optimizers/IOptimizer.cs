using System.Diagnostics.CodeAnalysis;

namespace ConvNet.Core.Optimizers;

/// <summary>
/// Updates a fixed list of parameters from their gradients, one <see cref="Step"/> per mini-batch.
/// </summary>
public interface IOptimizer
{
    /// <summary>The step size; schedules change it between steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not positive and finite.</exception>
    float LearningRate { get; set; }

    /// <summary>Updates every parameter's value from its current gradient.</summary>
    [SuppressMessage("Naming", "CA1716", Justification = "Step is the established optimizer verb (PyTorch, Keras); VB callers can still call it.")]
    void Step();
}
