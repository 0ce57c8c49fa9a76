using System.Collections.ObjectModel;
using ConvNet.Core.Layers;

namespace ConvNet.Core.Optimizers;

/// <summary>Creates the built-in optimizers by name (for command lines and configuration files).</summary>
public static class OptimizerFactory
{
    /// <summary>The names <see cref="Create"/> accepts: sgd, momentum, nesterov, adagrad, rmsprop, adam.</summary>
    public static ReadOnlyCollection<string> Names { get; } = new(["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]);

    /// <summary>Creates the optimizer called <paramref name="name"/> (case-insensitive) with its default hyper-parameters.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">The step size.</param>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the known names.</exception>
    public static Optimizer Create(string name, IReadOnlyList<Parameter> parameters, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToUpperInvariant() switch
        {
            "SGD" => new Sgd(parameters, learningRate),
            "MOMENTUM" => new Momentum(parameters, learningRate),
            "NESTEROV" => new Nesterov(parameters, learningRate),
            "ADAGRAD" => new AdaGrad(parameters, learningRate),
            "RMSPROP" => new RmsProp(parameters, learningRate),
            "ADAM" => new Adam(parameters, learningRate),
            _ => throw new ArgumentException(
                $"Unknown optimizer '{name}'; expected one of {string.Join(", ", Names)}.", nameof(name)),
        };
    }
}
