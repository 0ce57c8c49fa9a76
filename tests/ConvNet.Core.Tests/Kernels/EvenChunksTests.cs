using ConvNet.Core.Kernels;

namespace ConvNet.Core.Tests.Kernels;

/// <summary>
/// The optimizers' chunks: they cover the run in order, start on whole 64-byte lines, and give every core an equal part,
/// so an affine layer's 4320 × 100 weights split where the GEMM splits their gradient's rows (2160 and 2160).
/// </summary>
// The thread count is process-wide: this runs alone, in the non-parallel collection.
[Collection(RunsAlone.Name)]
public sealed class EvenChunksTests : RestoresThreadCount
{
    [Theory]
    [InlineData(1)]
    [InlineData(16_384)]
    [InlineData(16_385)]
    [InlineData(100_003)]
    [InlineData(432_000)]
    public void Chunks_cover_the_run_in_order_on_whole_lines(int length)
    {
        foreach (int threads in new[] { 1, ConvNetRuntime.MaxThreadCount })
        {
            ConvNetRuntime.ThreadCount = threads;
            var chunks = EvenChunks.Of(length);

            chunks.Start(0).Should().Be(0);
            chunks.Start(chunks.Count).Should().Be(length);
            for (int chunk = 0; chunk < chunks.Count; chunk++)
            {
                int size = chunks.Start(chunk + 1) - chunks.Start(chunk);
                size.Should().BePositive($"chunk {chunk} of {chunks.Count}, {threads} threads");
                size.Should().BeLessThanOrEqualTo(EvenChunks.TargetLength + 16);
                (chunks.Start(chunk) % 16).Should().Be(0);
            }
        }
    }

    [Fact]
    public void Each_core_gets_an_equal_part()
    {
        int threads = Math.Min(ConvNetRuntime.MaxThreadCount, 4);
        ConvNetRuntime.ThreadCount = threads;
        const int Length = 432_000;   // an affine layer's 4320 × 100 weights

        var chunks = EvenChunks.Of(Length);

        (chunks.Count % threads).Should().Be(0);
        for (int share = 1; share < threads; share++)
        {
            // RunInShares gives share s the indices from ⌈count · s / threads⌉.
            chunks.Start(chunks.Count * share / threads).Should().Be(Length / threads * share / 16 * 16, $"share {share} of {threads}");
        }

        if (threads == 2)
        {
            chunks.Start(chunks.Count / 2).Should().Be(2160 * 100, "the GEMM's row blocks split the gradient's 4320 rows in halves");
        }
    }
}
