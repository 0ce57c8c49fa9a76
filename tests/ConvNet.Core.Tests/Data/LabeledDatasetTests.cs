using ConvNet.Core.Data;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Data;

/// <summary>A training loop's mini-batch gather: the chosen items and labels, in order, and a clear error for a wrong index.</summary>
public class LabeledDatasetTests
{
    private const int ItemSize = 2 * 5 * 7;

    private static LabeledDataset NewDataset(int count)
    {
        // Item i holds i · 1000 + its position, so a misplaced or shifted copy shows.
        float[] values = [.. Enumerable.Range(0, count * ItemSize).Select(v => (float)((v / ItemSize * 1000) + (v % ItemSize)))];
        int[] labels = [.. Enumerable.Range(0, count).Select(i => i % 10)];
        return new LabeledDataset(FloatTensor.FromSpan(new TensorShape(count, 2, 5, 7), values), labels);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(100)]
    public void Gather_copies_the_chosen_items_and_labels_in_order(int batch)
    {
        var dataset = NewDataset(300);
        var random = new Random(batch);
        int[] indices = [.. Enumerable.Range(0, batch).Select(_ => random.Next(300))];
        indices[^1] = indices[0]; // An item drawn twice is copied twice.
        var inputs = new FloatTensor(batch + 2, 2, 5, 7);
        inputs.Span.Fill(-1);
        int[] labels = new int[batch + 2];

        dataset.Gather(indices, inputs, labels);

        for (int i = 0; i < batch; i++)
        {
            inputs.ReadOnlySpan.Slice(i * ItemSize, ItemSize).ToArray().Should().Equal(
                dataset.Inputs.ReadOnlySpan.Slice(indices[i] * ItemSize, ItemSize).ToArray(), $"batch item {i} is dataset item {indices[i]}");
            labels[i].Should().Be(indices[i] % 10);
        }

        inputs.ReadOnlySpan[(batch * ItemSize)..].ToArray().Should().OnlyContain(v => v == -1, "items past the indices are left alone");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(300)]
    public void Gather_rejects_an_index_outside_the_dataset(int index)
    {
        var dataset = NewDataset(300);
        var act = () => dataset.Gather([0, index, 2], new FloatTensor(3, 2, 5, 7), new int[3]);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("indices");
    }

    [Fact]
    public void Gather_rejects_a_batch_buffer_too_small_for_the_indices()
    {
        var dataset = NewDataset(10);
        var act = () => dataset.Gather([0, 1, 2], new FloatTensor(2, 2, 5, 7), new int[3]);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("inputs");
    }
}
