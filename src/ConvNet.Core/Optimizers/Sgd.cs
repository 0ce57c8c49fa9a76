using ConvNet.Core.Kernels;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;

namespace ConvNet.Core.Optimizers;

/// <summary>Plain stochastic gradient descent: <c>value -= learningRate * gradient</c>. Keeps no state.</summary>
public sealed class Sgd : Optimizer
{
    /// <summary>Creates SGD over <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is not positive and finite.</exception>
    public Sgd(IReadOnlyList<Parameter> parameters, float learningRate = 0.01f)
        : base(parameters, learningRate)
    {
    }

    /// <summary>Creates SGD over every parameter of <paramref name="network"/>.</summary>
    public Sgd(INetwork network, float learningRate = 0.01f)
        : this(ParametersOf(network), learningRate)
    {
    }

    /// <inheritdoc />
    private protected override void Update(int index, Span<float> value, ReadOnlySpan<float> gradient) =>
        SgdKernel.Update(value, gradient, LearningRate);
}
