using System.Globalization;

namespace ConvNet.Core.Tensors;

/// <summary>
/// The immutable shape of a <see cref="FloatTensor"/>: rank 1 to 4, every dimension positive.
/// Images are laid out NCHW (batch, channels, height, width), row-major.
/// </summary>
/// <remarks>A value type so that shape checks on the training hot path never allocate.</remarks>
public readonly struct TensorShape : IEquatable<TensorShape>
{
    /// <summary>The largest rank a shape may have.</summary>
    public const int MaxRank = 4;

    private readonly int _d0, _d1, _d2, _d3;

    /// <summary>Creates a shape from its dimensions, outermost first.</summary>
    /// <param name="dimensions">One to four positive dimensions.</param>
    /// <exception cref="ArgumentException">The rank is not 1–4, a dimension is not positive, or the element count overflows.</exception>
    public TensorShape(params ReadOnlySpan<int> dimensions)
    {
        if (dimensions.Length is < 1 or > MaxRank)
        {
            throw new ArgumentException($"A tensor shape has rank 1 to {MaxRank}; got rank {dimensions.Length}.", nameof(dimensions));
        }

        long count = 1;
        for (int i = 0; i < dimensions.Length; i++)
        {
            if (dimensions[i] <= 0)
            {
                throw new ArgumentException(
                    $"Every dimension of a tensor shape must be positive; dimension {i} is {dimensions[i]} in {Format(dimensions)}.",
                    nameof(dimensions));
            }

            count *= dimensions[i];
            if (count > Array.MaxLength)
            {
                throw new ArgumentException($"The shape {Format(dimensions)} holds more elements than an array can.", nameof(dimensions));
            }
        }

        Rank = dimensions.Length;
        ElementCount = (int)count;
        _d0 = dimensions[0];
        _d1 = Rank > 1 ? dimensions[1] : 0;
        _d2 = Rank > 2 ? dimensions[2] : 0;
        _d3 = Rank > 3 ? dimensions[3] : 0;
    }

    /// <summary>The number of dimensions (1–4); 0 only for <c>default(TensorShape)</c>.</summary>
    public int Rank { get; }

    /// <summary>The product of all dimensions.</summary>
    public int ElementCount { get; }

    /// <summary>The size of dimension <paramref name="axis"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is not below <see cref="Rank"/>.</exception>
    public int this[int axis]
    {
        get
        {
            if ((uint)axis >= (uint)Rank)
            {
                throw new ArgumentOutOfRangeException(nameof(axis), axis, $"Axis must be in [0, {Rank}) for shape {this}.");
            }

            return axis switch { 0 => _d0, 1 => _d1, 2 => _d2, _ => _d3 };
        }
    }

    /// <summary>The first dimension: the batch size for batched data.</summary>
    public int BatchSize => this[0];

    /// <summary>The number of elements of one batch item (all dimensions but the first).</summary>
    public int ItemSize => ElementCount / this[0];

    /// <summary>The dimensions as a new array, outermost first.</summary>
    public int[] ToArray()
    {
        var dimensions = new int[Rank];
        for (int i = 0; i < Rank; i++)
        {
            dimensions[i] = this[i];
        }

        return dimensions;
    }

    /// <summary>A batch of <paramref name="batchSize"/> items of this shape: [batchSize, ..this] (this is one item, rank 1 to 3).</summary>
    internal TensorShape AsItemOfBatch(int batchSize)
    {
        Span<int> dimensions = stackalloc int[Rank + 1];
        dimensions[0] = batchSize;
        for (int i = 0; i < Rank; i++)
        {
            dimensions[i + 1] = this[i];
        }

        return new TensorShape(dimensions);
    }

    /// <summary>The same shape with its first dimension replaced by <paramref name="batchSize"/>.</summary>
    public TensorShape WithBatchSize(int batchSize)
    {
        Span<int> dimensions = stackalloc int[Rank];
        for (int i = 0; i < Rank; i++)
        {
            dimensions[i] = this[i];
        }

        dimensions[0] = batchSize;
        return new TensorShape(dimensions);
    }

    /// <inheritdoc />
    public bool Equals(TensorShape other) =>
        Rank == other.Rank && _d0 == other._d0 && _d1 == other._d1 && _d2 == other._d2 && _d3 == other._d3;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TensorShape other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Rank, _d0, _d1, _d2, _d3);

    /// <summary>Formats the shape like <c>[100, 1, 28, 28]</c>.</summary>
    public override string ToString() => Format(ToArray());

    /// <summary>Whether two shapes have the same rank and dimensions.</summary>
    public static bool operator ==(TensorShape left, TensorShape right) => left.Equals(right);

    /// <summary>Whether two shapes differ in rank or in a dimension.</summary>
    public static bool operator !=(TensorShape left, TensorShape right) => !left.Equals(right);

    private static string Format(ReadOnlySpan<int> dimensions)
    {
        var parts = new string[dimensions.Length];
        for (int i = 0; i < dimensions.Length; i++)
        {
            parts[i] = dimensions[i].ToString(CultureInfo.InvariantCulture);
        }

        return "[" + string.Join(", ", parts) + "]";
    }
}
