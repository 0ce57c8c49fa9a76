using System.Buffers.Binary;
using ConvNet.Onnx.Protobuf;
using DataLocation = ConvNet.Onnx.Protobuf.TensorProto.Types.DataLocation;
using DataType = ConvNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace ConvNet.Onnx;

/// <summary>
/// Reads the values of an ONNX initializer (raw little-endian bytes or the typed repeated field), checking that they
/// are stored in the file, are of the expected type, and that their count matches the dimensions before anything of
/// that size is allocated.
/// </summary>
internal static class OnnxTensorData
{
    /// <summary>The dimensions of <paramref name="tensor"/>; <paramref name="fail"/> builds the error for bad ones.</summary>
    public static int[] Dimensions(TensorProto tensor, Func<string, Exception> fail)
    {
        int[] dimensions = new int[tensor.Dims.Count];
        for (int i = 0; i < dimensions.Length; i++)
        {
            long dimension = tensor.Dims[i];
            if (dimension is < 0 or > int.MaxValue)
            {
                throw fail($"tensor '{tensor.Name}' has dimension {dimension} on axis {i}");
            }

            dimensions[i] = (int)dimension;
        }

        return dimensions;
    }

    /// <summary>The float32 values of <paramref name="tensor"/>, row-major.</summary>
    public static float[] Floats(TensorProto tensor, Func<string, Exception> fail)
    {
        int count = ElementCount(tensor, DataType.Float, fail);
        if (tensor.HasRawData)
        {
            ReadOnlySpan<byte> bytes = RawBytes(tensor, count, sizeof(float), fail);
            float[] values = new float[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * sizeof(float)));
            }

            return values;
        }

        RequireCount(tensor, tensor.FloatData.Count, count, fail);
        return [.. tensor.FloatData];
    }

    /// <summary>The int64 values of <paramref name="tensor"/>, row-major.</summary>
    public static long[] Int64s(TensorProto tensor, Func<string, Exception> fail)
    {
        int count = ElementCount(tensor, DataType.Int64, fail);
        if (tensor.HasRawData)
        {
            ReadOnlySpan<byte> bytes = RawBytes(tensor, count, sizeof(long), fail);
            long[] values = new long[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes.Slice(i * sizeof(long)));
            }

            return values;
        }

        RequireCount(tensor, tensor.Int64Data.Count, count, fail);
        return [.. tensor.Int64Data];
    }

    /// <summary>Whether every value of a boolean tensor is false (a bool is one byte in raw data, an int32 otherwise).</summary>
    public static bool AllFalse(TensorProto tensor, Func<string, Exception> fail)
    {
        int count = ElementCount(tensor, DataType.Bool, fail);
        if (tensor.HasRawData)
        {
            return !RawBytes(tensor, count, 1, fail).ContainsAnyExcept((byte)0);
        }

        RequireCount(tensor, tensor.Int32Data.Count, count, fail);
        return tensor.Int32Data.All(value => value == 0);
    }

    private static int ElementCount(TensorProto tensor, DataType expected, Func<string, Exception> fail)
    {
        if (tensor.DataLocation == DataLocation.External || tensor.ExternalData.Count > 0)
        {
            throw fail($"tensor '{tensor.Name}' is stored in an external file; export the model with its weights inside the .onnx file");
        }

        if (tensor.Segment is not null)
        {
            throw fail($"tensor '{tensor.Name}' is stored in segments, which are not supported");
        }

        if (tensor.DataType != (int)expected)
        {
            string actual = Enum.IsDefined((DataType)tensor.DataType) ? ((DataType)tensor.DataType).ToString().ToUpperInvariant() : tensor.DataType.ToString();
            throw fail($"tensor '{tensor.Name}' holds {actual} values; expected {expected.ToString().ToUpperInvariant()}");
        }

        long count = 1;
        foreach (int dimension in Dimensions(tensor, fail))
        {
            count *= dimension;
            if (count > Array.MaxLength)
            {
                throw fail($"tensor '{tensor.Name}' [{string.Join(", ", tensor.Dims)}] is too large");
            }
        }

        return (int)count;
    }

    private static ReadOnlySpan<byte> RawBytes(TensorProto tensor, int count, int elementSize, Func<string, Exception> fail)
    {
        ReadOnlySpan<byte> bytes = tensor.RawData.Span;
        if (bytes.Length != (long)count * elementSize)
        {
            throw fail($"tensor '{tensor.Name}' [{string.Join(", ", tensor.Dims)}] needs {(long)count * elementSize} bytes of data but holds {bytes.Length}");
        }

        return bytes;
    }

    private static void RequireCount(TensorProto tensor, int stored, int count, Func<string, Exception> fail)
    {
        if (stored != count)
        {
            throw fail($"tensor '{tensor.Name}' [{string.Join(", ", tensor.Dims)}] needs {count} values but holds {stored}");
        }
    }
}
