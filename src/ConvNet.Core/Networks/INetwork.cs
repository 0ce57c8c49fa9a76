using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Networks;

/// <summary>
/// A classifier made of layers and a loss. Its <see cref="Parameters"/> list is the single list that
/// optimizers, gradient checks and checkpoints see, so no parameter can be left out of an update.
/// </summary>
public interface INetwork
{
    /// <summary>The shape of one input item, without the batch axis (for example [1, 28, 28]).</summary>
    TensorShape InputShape { get; }

    /// <summary>The number of classes the network scores.</summary>
    int ClassCount { get; }

    /// <summary>The layers in forward order.</summary>
    IReadOnlyList<ILayer> Layers { get; }

    /// <summary>The loss the network trains with. Its <see cref="ILossLayer.Evaluate"/> on <see cref="Predict"/> is the
    /// double-precision loss that <see cref="Loss"/> rounds to float (gradient checks need the extra digits).</summary>
    ILossLayer LossLayer { get; }

    /// <summary>Every trainable parameter, named <c>layer.parameter</c>, in forward order.</summary>
    IReadOnlyList<NamedParameter> Parameters { get; }

    /// <summary>The class scores (logits, before softmax) for a batch. Safe to call from many threads at once.</summary>
    /// <param name="input">A batch shaped [batch, ..<see cref="InputShape"/>].</param>
    /// <returns>A new [batch, <see cref="ClassCount"/>] tensor owned by the caller.</returns>
    FloatTensor Predict(FloatTensor input);

    /// <summary>The mean loss of a batch (inference-mode forward).</summary>
    float Loss(FloatTensor input, ReadOnlySpan<int> labels);

    /// <summary>
    /// Runs a training-mode forward and backward pass, overwriting the gradient of every parameter, and returns the
    /// batch's mean loss. Not thread-safe: one training loop per network.
    /// </summary>
    float ComputeGradients(FloatTensor input, ReadOnlySpan<int> labels);

    /// <summary>The fraction of <paramref name="labels"/> predicted correctly, evaluated in batches (a last partial batch counts).</summary>
    double Accuracy(FloatTensor input, ReadOnlySpan<int> labels, int batchSize = 100);
}
