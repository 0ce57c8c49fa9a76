using ConvNet.Core.Tensors;

namespace ConvNet.Core.Training;

/// <summary>
/// A random transformation of training inputs (data augmentation), applied to every mini-batch after it is gathered
/// and before the training-mode forward pass. Never applied to validation or test data.
/// </summary>
/// <remarks>
/// Implementations draw their randomness from a generator seeded at construction, so a training run is reproducible,
/// and must not allocate per call in steady state: the caller owns and reuses <c>destination</c>.
/// </remarks>
public interface IBatchAugmentation
{
    /// <summary>Writes a randomly transformed copy of <paramref name="source"/> into <paramref name="destination"/>.</summary>
    /// <param name="source">The batch [N, C, H, W] as gathered; not modified.</param>
    /// <param name="destination">A tensor of the same shape that receives the augmented batch; must not share storage with <paramref name="source"/>.</param>
    /// <exception cref="ArgumentException">The shapes differ or are not rank 4.</exception>
    void Apply(FloatTensor source, FloatTensor destination);
}
