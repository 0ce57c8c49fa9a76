using ConvNet.Core.Layers;
using ConvNet.Core.Optimizers;

namespace ConvNet.Mnist;

/// <summary>The optimizers <c>train --optimizer NAME</c> offers, each with the library's default hyper-parameters.</summary>
internal static class OptimizerChoice
{
    /// <summary>The names <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"];

    /// <summary>Creates the optimizer called <paramref name="name"/>, one of <see cref="Names"/>.</summary>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the known names.</exception>
    public static Optimizer Create(string name, IReadOnlyList<Parameter> parameters, float learningRate) => name switch
    {
        "sgd" => new Sgd(parameters, learningRate),
        "momentum" => new Momentum(parameters, learningRate),
        "nesterov" => new Momentum(parameters, learningRate, nesterov: true),
        "adagrad" => new AdaGrad(parameters, learningRate),
        "rmsprop" => new RmsProp(parameters, learningRate),
        "adam" => new Adam(parameters, learningRate),
        _ => throw new ArgumentException($"Unknown optimizer '{name}'; expected one of {string.Join(", ", Names)}.", nameof(name)),
    };
}
