namespace ConvNet.Core.Tensors;

/// <summary>
/// A dense float32 tensor: a <see cref="TensorShape"/> over contiguous row-major storage.
/// Images are NCHW. Reshaping and slicing along the batch axis give views that share storage.
/// </summary>
public sealed class FloatTensor
{
    private readonly float[] _storage;
    private readonly int _offset;

    /// <summary>Creates a zero-filled tensor of the given shape.</summary>
    /// <exception cref="ArgumentException">The shape is <c>default</c>.</exception>
    public FloatTensor(TensorShape shape)
    {
        ValidateShape(shape);
        Shape = shape;
        _storage = new float[shape.ElementCount];
    }

    /// <summary>Creates a zero-filled tensor with the given dimensions.</summary>
    public FloatTensor(params ReadOnlySpan<int> dimensions)
        : this(new TensorShape(dimensions))
    {
    }

    /// <summary>Wraps <paramref name="data"/> (not copied) as a tensor of the given shape.</summary>
    /// <exception cref="ArgumentException">The array length differs from the shape's element count.</exception>
    public FloatTensor(TensorShape shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        ValidateShape(shape);
        if (data.Length != shape.ElementCount)
        {
            throw new ArgumentException(
                $"Shape {shape} needs {shape.ElementCount} elements; the array has {data.Length}.", nameof(data));
        }

        Shape = shape;
        _storage = data;
    }

    private FloatTensor(TensorShape shape, float[] storage, int offset)
    {
        Shape = shape;
        _storage = storage;
        _offset = offset;
    }

    /// <summary>The tensor's shape.</summary>
    public TensorShape Shape { get; }

    /// <summary>
    /// Whether this tensor owns storage lent by <see cref="Layers.InferenceBuffers"/>, which a network gives back once the
    /// next layer has consumed it. Views never own it.
    /// </summary>
    internal bool OwnsRecycledStorage { get; private init; }

    /// <summary>The whole backing array (for returning recycled storage).</summary>
    internal float[] Storage => _storage;

    /// <summary>The number of elements.</summary>
    public int Length => Shape.ElementCount;

    /// <summary>The elements, row-major, writable.</summary>
    public Span<float> Span => new(_storage, _offset, Shape.ElementCount);

    /// <summary>The elements, row-major, read-only.</summary>
    public ReadOnlySpan<float> ReadOnlySpan => new(_storage, _offset, Shape.ElementCount);

    /// <summary>
    /// A zero-copy <see cref="System.Numerics.Tensors.TensorSpan{T}"/> over this tensor's elements with the same
    /// dimensions, for code that works with <c>System.Numerics.Tensors</c> (the name <c>FloatTensor</c> keeps clear of
    /// its <c>Tensor</c> class, so both namespaces can be imported together).
    /// </summary>
    public System.Numerics.Tensors.TensorSpan<float> AsTensorSpan()
    {
        Span<nint> lengths = stackalloc nint[TensorShape.MaxRank];
        for (int axis = 0; axis < Shape.Rank; axis++)
        {
            lengths[axis] = Shape[axis];
        }

        return new System.Numerics.Tensors.TensorSpan<float>(Span, lengths[..Shape.Rank]);
    }

    /// <summary>The element at a rank-2 index (row, column).</summary>
    public float this[int row, int column]
    {
        get => Span[FlatIndex(row, column)];
        set => Span[FlatIndex(row, column)] = value;
    }

    /// <summary>The element at a rank-4 index (batch, channel, y, x).</summary>
    public float this[int batch, int channel, int y, int x]
    {
        get => Span[FlatIndex(batch, channel, y, x)];
        set => Span[FlatIndex(batch, channel, y, x)] = value;
    }

    /// <summary>Creates a tensor holding a copy of <paramref name="values"/>.</summary>
    public static FloatTensor FromSpan(TensorShape shape, ReadOnlySpan<float> values)
    {
        var tensor = new FloatTensor(shape);
        if (values.Length != shape.ElementCount)
        {
            throw new ArgumentException(
                $"Shape {shape} needs {shape.ElementCount} elements; got {values.Length}.", nameof(values));
        }

        values.CopyTo(tensor.Span);
        return tensor;
    }

    /// <summary>A view of the same storage with another shape of the same element count.</summary>
    /// <exception cref="ArgumentException">The element counts differ.</exception>
    public FloatTensor Reshape(TensorShape shape)
    {
        ValidateShape(shape);
        if (shape.ElementCount != Shape.ElementCount)
        {
            throw new ArgumentException(
                $"Cannot reshape {Shape} ({Shape.ElementCount} elements) to {shape} ({shape.ElementCount} elements).", nameof(shape));
        }

        return shape == Shape ? this : new FloatTensor(shape, _storage, _offset);
    }

    /// <summary>A view of the same storage with the given dimensions.</summary>
    public FloatTensor Reshape(params ReadOnlySpan<int> dimensions) => Reshape(new TensorShape(dimensions));

    /// <summary>A view of batch items <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> − 1 (first axis).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range does not lie inside the first axis.</exception>
    public FloatTensor SliceBatch(int start, int count)
    {
        int batchSize = Shape[0];
        if (start < 0 || count <= 0 || start > batchSize - count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(start), $"Batch range [{start}, {start + count}) is not inside the first axis of {Shape}.");
        }

        int itemSize = Shape.ItemSize;
        return new FloatTensor(Shape.WithBatchSize(count), _storage, _offset + (start * itemSize));
    }

    /// <summary>A new tensor with a copy of the elements.</summary>
    public FloatTensor Clone() => FromSpan(Shape, ReadOnlySpan);

    /// <summary>Sets every element to zero.</summary>
    public void Clear() => Span.Clear();

    /// <summary>The elements copied to a new array.</summary>
    public float[] ToArray() => ReadOnlySpan.ToArray();

    /// <inheritdoc />
    public override string ToString() => $"FloatTensor{Shape}";

    /// <summary>Wraps storage lent by <see cref="Layers.InferenceBuffers"/>: its first <paramref name="shape"/>.ElementCount elements (it may be longer).</summary>
    internal static FloatTensor OverRecycledStorage(TensorShape shape, float[] storage) => new(shape, storage, 0) { OwnsRecycledStorage = true };

    /// <summary>Whether both tensors are views of the same storage.</summary>
    internal bool SharesStorageWith(FloatTensor other) => ReferenceEquals(_storage, other._storage);

    private static void ValidateShape(TensorShape shape)
    {
        if (shape.Rank == 0)
        {
            throw new ArgumentException("The shape is empty (default); give rank 1 to 4.", nameof(shape));
        }
    }

    private int FlatIndex(int row, int column)
    {
        if (Shape.Rank != 2)
        {
            throw new InvalidOperationException($"A two-part index needs a rank-2 tensor; this one is {Shape}.");
        }

        if ((uint)row >= (uint)Shape[0] || (uint)column >= (uint)Shape[1])
        {
            throw new ArgumentOutOfRangeException(nameof(row), $"Index [{row}, {column}] is outside {Shape}.");
        }

        return (row * Shape[1]) + column;
    }

    private int FlatIndex(int batch, int channel, int y, int x)
    {
        if (Shape.Rank != 4)
        {
            throw new InvalidOperationException($"A four-part index needs a rank-4 tensor; this one is {Shape}.");
        }

        if ((uint)batch >= (uint)Shape[0] || (uint)channel >= (uint)Shape[1] || (uint)y >= (uint)Shape[2] || (uint)x >= (uint)Shape[3])
        {
            throw new ArgumentOutOfRangeException(nameof(batch), $"Index [{batch}, {channel}, {y}, {x}] is outside {Shape}.");
        }

        return (((((batch * Shape[1]) + channel) * Shape[2]) + y) * Shape[3]) + x;
    }
}
