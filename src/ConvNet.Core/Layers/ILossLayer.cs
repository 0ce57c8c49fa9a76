using ConvNet.Core.Tensors;

namespace ConvNet.Core.Layers;

/// <summary>
/// The last step of a classifier: turns a batch of scores and its targets into a scalar loss, and
/// back-propagates that loss to the scores. It is not an <see cref="ILayer"/> because its Forward takes
/// targets and returns a number, and its Backward starts the chain (dLoss/dLoss = 1).
/// </summary>
/// <remarks>Forward keeps what Backward needs and reuses its buffers between calls of the same batch size.
/// <see cref="Evaluate"/> keeps nothing and is safe to call from many threads at once.</remarks>
public interface ILossLayer
{
    /// <summary>The mean loss over the batch for class-index targets.</summary>
    /// <param name="scores">[batch, classes] scores (logits); not modified.</param>
    /// <param name="labels">One class index in [0, classes) per batch item.</param>
    float Forward(FloatTensor scores, ReadOnlySpan<int> labels);

    /// <summary>The mean loss over the batch for one-hot (or any probability-row) targets.</summary>
    /// <param name="scores">[batch, classes] scores (logits); not modified.</param>
    /// <param name="targets">[batch, classes] target distributions, same shape as <paramref name="scores"/>.</param>
    float Forward(FloatTensor scores, FloatTensor targets);

    /// <summary>dLoss/dScores for the last Forward, shaped like its scores.</summary>
    /// <exception cref="InvalidOperationException">No Forward came first.</exception>
    FloatTensor Backward();

    /// <summary>The mean loss over the batch for class-index targets, in double precision, without keeping any state
    /// (for evaluation and gradient checks; thread-safe).</summary>
    /// <param name="scores">[batch, classes] scores (logits); not modified.</param>
    /// <param name="labels">One class index in [0, classes) per batch item.</param>
    double Evaluate(FloatTensor scores, ReadOnlySpan<int> labels);
}
