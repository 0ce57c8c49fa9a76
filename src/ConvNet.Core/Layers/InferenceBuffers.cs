using System.Collections.Concurrent;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Layers;

/// <summary>
/// Output storage for inference-mode Forward, shared by all threads. A layer rents its output here; the network
/// returns it as soon as the next layer has consumed it, so a batch of predictions does not allocate (and zero)
/// megabytes of layer outputs per call, and the garbage collector is not driven by inference.
/// </summary>
/// <remarks>
/// Thread-safe: a rented array belongs to one call until returned. Contents are not cleared, so a renting layer
/// must write every element of its output. Storage of the network's final output is not taken back.
/// </remarks>
internal static class InferenceBuffers
{
    private static readonly ConcurrentDictionary<int, ConcurrentBag<float[]>> FreeByLength = new();

    /// <summary>A tensor of <paramref name="shape"/> over reused (or new, uninitialized) storage.</summary>
    public static FloatTensor Rent(TensorShape shape)
    {
        float[]? storage = null;
        if (FreeByLength.TryGetValue(shape.ElementCount, out ConcurrentBag<float[]>? free))
        {
            free.TryTake(out storage);
        }

        return FloatTensor.OverRecycledStorage(shape, storage ?? GC.AllocateUninitializedArray<float>(shape.ElementCount));
    }

    /// <summary>Takes back the storage of a tensor from <see cref="Rent"/>; the caller must not use the tensor again.</summary>
    public static void Return(FloatTensor tensor)
    {
        if (tensor.OwnsRecycledStorage)
        {
            FreeByLength.GetOrAdd(tensor.Storage.Length, static _ => new ConcurrentBag<float[]>()).Add(tensor.Storage);
        }
    }
}
