using ConvNet.Core.Kernels;
using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Models;

/// <summary>The prediction API: probabilities and top-k classes for a batch, into new arrays or the caller's buffers.</summary>
/// <remarks>
/// Every method runs <see cref="Networks.INetwork.Predict"/> once and applies a softmax to each item's scores (shifted by
/// the row maximum, so any finite scores are safe). Top-k lists are ordered by probability, highest first; equal
/// probabilities keep class-index order. Span overloads take items laid out as a batch [count, ..InputShape]
/// flattened row-major, and write exactly count × classes (or count × k) values; their only allocations are small
/// objects, the tensors' storage comes from the inference pool.
/// </remarks>
public sealed partial class Model
{
    /// <summary>The class probabilities of every item of <paramref name="batch"/>.</summary>
    /// <param name="batch">Items shaped [count, ..InputShape]; not modified.</param>
    /// <returns>A new [count, classes] tensor; each row sums to 1.</returns>
    /// <exception cref="ArgumentException">The batch is not shaped [count, ..InputShape].</exception>
    public FloatTensor PredictProbabilities(FloatTensor batch)
    {
        FloatTensor probabilities = ScoresOf(batch);
        Softmax.Rows(probabilities.ReadOnlySpan, probabilities.Span, Network.ClassCount);
        return probabilities;
    }

    /// <summary>Writes the class probabilities of every item of <paramref name="items"/> into <paramref name="probabilities"/>.</summary>
    /// <param name="items">count × InputShape values: the batch [count, ..InputShape], row-major.</param>
    /// <param name="probabilities">Exactly count × classes values, overwritten: row i holds item i's probabilities.</param>
    /// <exception cref="ArgumentException"><paramref name="items"/> is not a whole, non-zero number of items, or
    /// <paramref name="probabilities"/> has another length than count × classes.</exception>
    public void PredictProbabilities(ReadOnlySpan<float> items, Span<float> probabilities)
    {
        int count = ItemCount(items);
        RequireLength(probabilities, count * Network.ClassCount, nameof(probabilities), $"{count} items × {Network.ClassCount} classes");
        FloatTensor scores = ScoresOf(items, count);
        Softmax.Rows(scores.ReadOnlySpan, probabilities, Network.ClassCount);
        InferenceBuffers.Return(scores);
    }

    /// <summary>The <paramref name="k"/> most probable classes of every item of <paramref name="batch"/>, most probable first.</summary>
    /// <param name="batch">Items shaped [count, ..InputShape]; not modified.</param>
    /// <param name="k">How many classes per item, 1 to the class count.</param>
    /// <returns>One array of <paramref name="k"/> scores per item.</returns>
    /// <exception cref="ArgumentException">The batch is not shaped [count, ..InputShape].</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not in [1, classes].</exception>
    public ClassScore[][] PredictTopK(FloatTensor batch, int k)
    {
        RequireK(k);
        FloatTensor probabilities = PredictProbabilities(batch);
        int classes = Network.ClassCount;
        var ranked = new ClassScore[probabilities.Shape[0]][];
        for (int item = 0; item < ranked.Length; item++)
        {
            ranked[item] = new ClassScore[k];
            Rank(probabilities.ReadOnlySpan.Slice(item * classes, classes), ranked[item]);
        }

        InferenceBuffers.Return(probabilities);
        return ranked;
    }

    /// <summary>Writes the <paramref name="k"/> most probable classes of every item of <paramref name="items"/> into <paramref name="destination"/>.</summary>
    /// <param name="items">count × InputShape values: the batch [count, ..InputShape], row-major.</param>
    /// <param name="k">How many classes per item, 1 to the class count.</param>
    /// <param name="destination">Exactly count × <paramref name="k"/> scores, overwritten: item i's are at [i·k, (i + 1)·k), most probable first.</param>
    /// <exception cref="ArgumentException">The lengths do not fit (see <see cref="PredictProbabilities(ReadOnlySpan{float}, Span{float})"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not in [1, classes].</exception>
    public void PredictTopK(ReadOnlySpan<float> items, int k, Span<ClassScore> destination)
    {
        RequireK(k);
        int count = ItemCount(items);
        RequireLength(destination, count * k, nameof(destination), $"{count} items × k = {k}");
        FloatTensor probabilities = ScoresOf(items, count);
        int classes = Network.ClassCount;
        Softmax.Rows(probabilities.ReadOnlySpan, probabilities.Span, classes);
        for (int item = 0; item < count; item++)
        {
            Rank(probabilities.ReadOnlySpan.Slice(item * classes, classes), destination.Slice(item * k, k));
        }

        InferenceBuffers.Return(probabilities);
    }

    /// <summary>
    /// Writes the class probabilities of one grey 8-bit image of the network's input size into <paramref name="probabilities"/>.
    /// Pixels are scaled to [0, 1] (value / 255) as <see cref="Data.IdxReader"/> reads MNIST, so an MNIST-trained model expects
    /// light ink on a dark background, centred like MNIST (ConvNet.Datasets' <c>MnistImagePreprocessor</c> prepares photos).
    /// </summary>
    /// <param name="grayPixels">Height × width bytes, row-major (the input shape [1, height, width], or any input shape with as many elements).</param>
    /// <param name="probabilities">Exactly classes values, overwritten.</param>
    /// <exception cref="ArgumentException">The pixel count differs from the input size, the network takes more than one channel,
    /// or <paramref name="probabilities"/> has another length than the class count.</exception>
    public void PredictImage(ReadOnlySpan<byte> grayPixels, Span<float> probabilities)
    {
        RequireLength(probabilities, Network.ClassCount, nameof(probabilities), $"{Network.ClassCount} classes");
        FloatTensor scores = ScoresOfImage(grayPixels);
        Softmax.Rows(scores.ReadOnlySpan, probabilities, Network.ClassCount);
        InferenceBuffers.Return(scores);
    }

    /// <summary>The <paramref name="k"/> most probable classes of one grey 8-bit image, most probable first (pixels as in
    /// <see cref="PredictImage(ReadOnlySpan{byte}, Span{float})"/>).</summary>
    /// <param name="grayPixels">Height × width bytes, row-major.</param>
    /// <param name="k">How many classes, 1 to the class count.</param>
    /// <exception cref="ArgumentException">The pixel count differs from the input size, or the network takes more than one channel.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not in [1, classes].</exception>
    public ClassScore[] PredictImage(ReadOnlySpan<byte> grayPixels, int k)
    {
        RequireK(k);
        FloatTensor probabilities = ScoresOfImage(grayPixels);
        Softmax.Rows(probabilities.ReadOnlySpan, probabilities.Span, Network.ClassCount);
        var ranked = new ClassScore[k];
        Rank(probabilities.ReadOnlySpan, ranked);
        InferenceBuffers.Return(probabilities);
        return ranked;
    }

    /// <summary>The network's scores for <paramref name="batch"/> in storage this call owns (never the caller's input).</summary>
    private FloatTensor ScoresOf(FloatTensor batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        FloatTensor scores = Network.Predict(batch);
        if (scores.SharesStorageWith(batch))
        {
            // A network that ends in a view of its input (a lone Flatten): never overwrite the caller's data.
            FloatTensor copy = InferenceBuffers.Rent(scores.Shape);
            scores.ReadOnlySpan.CopyTo(copy.Span);
            return copy;
        }

        return scores;
    }

    private FloatTensor ScoresOf(ReadOnlySpan<float> items, int count)
    {
        FloatTensor input = InferenceBuffers.Rent(Network.InputShape.AsItemOfBatch(count));
        items.CopyTo(input.Span);
        FloatTensor scores = ScoresOf(input);
        InferenceBuffers.Return(input);
        return scores;
    }

    private FloatTensor ScoresOfImage(ReadOnlySpan<byte> grayPixels)
    {
        var inputShape = Network.InputShape;
        if (inputShape.Rank == 3 && inputShape[0] != 1)
        {
            throw new ArgumentException($"A grey image has one channel; this network takes {inputShape[0]} (input {inputShape}).", nameof(grayPixels));
        }

        RequireLength(grayPixels, inputShape.ElementCount, nameof(grayPixels), $"the input size {inputShape}");
        FloatTensor input = InferenceBuffers.Rent(Network.InputShape.AsItemOfBatch(1));
        Span<float> values = input.Span;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = grayPixels[i] / 255f;
        }

        FloatTensor scores = ScoresOf(input);
        InferenceBuffers.Return(input);
        return scores;
    }

    /// <summary>Fills <paramref name="destination"/> with the most probable classes of one item, in order (NaN ranks last).</summary>
    private void Rank(ReadOnlySpan<float> probabilities, Span<ClassScore> destination)
    {
        // Repeated selection of the best class ranked after the previous pick: no scratch memory, and k × classes
        // comparisons are nothing beside the network's work.
        int previous = -1;
        for (int rank = 0; rank < destination.Length; rank++)
        {
            int best = -1;
            for (int candidate = 0; candidate < probabilities.Length; candidate++)
            {
                if ((previous < 0 || RanksBefore(probabilities, previous, candidate))
                    && (best < 0 || RanksBefore(probabilities, candidate, best)))
                {
                    best = candidate;
                }
            }

            destination[rank] = new ClassScore(best, _labels[best], probabilities[best]);
            previous = best;
        }
    }

    /// <summary>Whether class <paramref name="first"/> ranks before class <paramref name="second"/>: higher probability, then lower index.</summary>
    private static bool RanksBefore(ReadOnlySpan<float> probabilities, int first, int second)
    {
        float a = float.IsNaN(probabilities[first]) ? -1f : probabilities[first];
        float b = float.IsNaN(probabilities[second]) ? -1f : probabilities[second];
        return a > b || (a == b && first < second);
    }

    private int ItemCount(ReadOnlySpan<float> items)
    {
        int itemSize = Network.InputShape.ElementCount;
        if (items.IsEmpty || items.Length % itemSize != 0)
        {
            throw new ArgumentException(
                $"Items must be whole inputs of {Network.InputShape} ({itemSize} values each), at least one; got {items.Length} values.", nameof(items));
        }

        return items.Length / itemSize;
    }

    private void RequireK(int k)
    {
        if (k < 1 || k > Network.ClassCount)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be 1 to the class count ({Network.ClassCount}).");
        }
    }

    private static void RequireLength<T>(ReadOnlySpan<T> span, int expected, string argumentName, string what)
    {
        if (span.Length != expected)
        {
            throw new ArgumentException($"Expected {expected} values ({what}); got {span.Length}.", argumentName);
        }
    }
}
