using ConvNet.Core.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace ConvNet.Core.Layers;

/// <summary>
/// Inverted dropout: in training, each element is zeroed with probability <see cref="Rate"/> and the survivors are
/// scaled by 1 / (1 − rate), so the expected output equals the input; at inference the layer is the identity.
/// </summary>
/// <remarks>
/// Masks come from a generator seeded explicitly at construction, so a training run is reproducible. Each
/// training-mode Forward draws a new mask into a reused buffer (no allocation per step); Backward multiplies by the
/// same mask. Inference returns a copy of the input (see <see cref="InferenceBuffers"/>) and touches no layer state.
/// </remarks>
public sealed class Dropout : ILayer
{
    private readonly Random _random;
    private readonly float _keepScale;
    private FloatTensor? _mask;
    private FloatTensor? _output;
    private FloatTensor? _inputGradient;
    private TensorShape? _lastOutputShape;

    /// <summary>Creates a dropout layer.</summary>
    /// <param name="name">The layer's name within its network.</param>
    /// <param name="rate">The probability of dropping an element, in [0, 1).</param>
    /// <param name="seed">The seed of the mask generator.</param>
    /// <exception cref="ArgumentOutOfRangeException">The rate is not in [0, 1).</exception>
    public Dropout(string name, float rate, int seed)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!(rate >= 0f && rate < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "The dropout rate must lie in [0, 1).");
        }

        Name = name;
        Rate = rate;
        _keepScale = 1f / (1f - rate);
        _random = new Random(seed);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The probability of dropping an element in training.</summary>
    public float Rate { get; }

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => [];

    /// <summary>
    /// When true, training-mode Forward reuses the last mask instead of drawing a new one (for gradient checks,
    /// which call Forward many times and need the same function each time).
    /// </summary>
    internal bool FreezeMask { get; set; }

    /// <inheritdoc />
    public TensorShape GetOutputShape(TensorShape inputShape) => inputShape;

    /// <inheritdoc />
    public FloatTensor Forward(FloatTensor input, bool training)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!training)
        {
            FloatTensor copy = InferenceBuffers.Rent(input.Shape);
            input.ReadOnlySpan.CopyTo(copy.Span);
            return copy;
        }

        bool reuseMask = FreezeMask && _mask is not null && _mask.Shape == input.Shape;
        FloatTensor mask = LayerGuard.Reuse(ref _mask, input.Shape);
        if (!reuseMask)
        {
            DrawMask(mask.Span);
        }

        FloatTensor output = LayerGuard.Reuse(ref _output, input.Shape);
        TensorPrimitives.Multiply(input.ReadOnlySpan, mask.ReadOnlySpan, output.Span);
        _lastOutputShape = input.Shape;
        return output;
    }

    /// <inheritdoc />
    public FloatTensor Backward(FloatTensor outputGradient)
    {
        LayerGuard.CheckOutputGradient(Name, _lastOutputShape, outputGradient);
        FloatTensor inputGradient = LayerGuard.Reuse(ref _inputGradient, outputGradient.Shape);
        TensorPrimitives.Multiply(outputGradient.ReadOnlySpan, _mask!.ReadOnlySpan, inputGradient.Span);
        return inputGradient;
    }

    private void DrawMask(Span<float> mask)
    {
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = _random.NextSingle() < Rate ? 0f : _keepScale;
        }
    }
}
