using System.Numerics.Tensors;

namespace ConvNet.Core.Kernels;

/// <summary>
/// Cache-blocked, multi-threaded C = op(A)·op(B) (or C +=) for one instruction set, in the classic
/// GotoBLAS/BLIS loop order: for each block of B (depth × columns, shared, in L3) and each block of A
/// (rows × depth, per thread, in L2), run the micro-kernel over panel pairs (a B panel stays in L1).
/// </summary>
/// <remarks>
/// Work is split into (row block, column chunk) units taken in shares (<see cref="WorkerPool.RunInShares"/>): each thread
/// first its own run of units, the same every call, so the rows of C it writes and of A it packs stay in its core's
/// cache from call to call (an affine layer's weight gradient, then the optimizer's update of those rows), then
/// whatever the others have left, so a busy core on a shared machine holds up only the unit it is running. When C is
/// too small to give every thread a share but the depth is large (a weight gradient: few outputs, many positions), or, in
/// training, C is small and the depth long (an affine layer's forward), the depth is split instead and the partial
/// products are summed.
/// </remarks>
internal static unsafe class GemmDriver<TVector, TLanes>
    where TVector : struct
    where TLanes : struct, IFloatLanes<TVector>
{
    private const int PanelRows = GemmMicroKernel<TVector, TLanes>.PanelRows;

    // Depth of a block: one B panel (depth × panel columns) must fit in L1 next to the streamed A panel.
    internal const int BlockDepth = 256;

    // Rows of an A block: rows × depth floats stay in the L2 cache of the core that packed them.
    private const int BlockRows = 96;

    // Columns of a B block: depth × columns floats are shared by all threads.
    private const int BlockColumns = 4096;

    // Rows of an A block when C is split by columns (rows × depth floats, 128 KB, still well inside L2).
    private const int WideRowBlock = 128;

    // The largest C (floats) whose depth is split when the depth is long (8 blocks or more): a hand-off per depth block
    // costs more than summing one private partial product per thread (an affine layer forward, 100 × 4320 · 4320 × 100).
    private const long MaxSplitProduct = 1 << 16;

    // Below this many floats a block of B is packed by the calling thread alone.
    private const int ParallelPackingFloats = 1 << 16;

    // Below this many multiply-adds the hand-off to another core costs more than it saves.
    private const long ParallelMultiplyAdds = 1L << 18;

    private static int PanelColumns => GemmMicroKernel<TVector, TLanes>.PanelColumns;

    /// <summary>
    /// C[m×n] (row-major, row stride n) = or += A·B, A being m×k and B k×n; <c>splitLongDepth</c> lets a small C with a long
    /// depth be split by depth too (see <see cref="SplitsDepth"/>).
    /// </summary>
    public static void Multiply(StridedMatrix a, StridedMatrix b, float* c, int m, int k, int n, bool accumulate, bool splitLongDepth = false)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0)
        {
            if (!accumulate)
            {
                new Span<float>(c, m * n).Clear();
            }

            return;
        }

        int threads = ThreadsFor(m, k, n);
        if (SplitsDepth(m, k, n, threads, splitLongDepth))
        {
            MultiplySplitDepth(a, b, c, m, k, n, accumulate, threads);
        }
        else
        {
            MultiplyBlocked(a, b, c, m, k, n, accumulate, threads);
        }
    }

    /// <summary>The threads a product of this size is worth: all available ones, or one below the hand-off's cost.</summary>
    public static int ThreadsFor(int m, int k, int n)
    {
        int threads = WorkerPool.AvailableThreads;
        return threads > 1 && (long)m * n * k >= ParallelMultiplyAdds ? threads : 1;
    }

    /// <summary>
    /// Whether <see cref="Multiply"/> on <paramref name="threads"/> threads splits the depth and sums partial products,
    /// rather than running the blocked product (one chain per depth block, blocks added onto C in order) that other
    /// kernels can reproduce bit for bit: when C is too small to share, or, if <paramref name="splitLongDepth"/>, when C is
    /// small next to a long depth (an affine layer's forward: 100 × 4320 · 4320 × 100 would otherwise hand off 17
    /// depth blocks of 4 units each). The second split makes the last bits depend on the thread count, which training
    /// tolerates and inference does not (its results are the same on any number of threads).
    /// </summary>
    public static bool SplitsDepth(int m, int k, int n, int threads, bool splitLongDepth = false) =>
        threads > 1 && k >= 2 * BlockDepth
        && (CeilDiv(m, PanelRows) * CeilDiv(n, PanelColumns) < 4 * threads
            || (splitLongDepth && k >= 8 * BlockDepth && (long)m * n <= MaxSplitProduct));

    private static void MultiplyBlocked(StridedMatrix a, StridedMatrix b, float* c, int m, int k, int n, bool accumulate, int threads)
    {
        int panelColumns = PanelColumns;

        // With several threads, shrink row blocks so there are at least two units per thread — unless C is wide enough
        // to split by columns instead: then every row stays in one block, so each B panel is loaded into L1 once and
        // used for all rows rather than streamed from L3 once per row block (an affine input gradient, 100 × 4320).
        int rowBlock = threads == 1 ? BlockRows : Math.Min(BlockRows, RoundUp(CeilDiv(m, 2 * threads), PanelRows));
        if (threads > 1 && m <= WideRowBlock && CeilDiv(Math.Min(n, BlockColumns), panelColumns) >= 4 * threads)
        {
            rowBlock = RoundUp(m, PanelRows);
        }

        float* packedB = GemmScratch.ForPackedB.Ensure(BlockDepth * RoundUp(Math.Min(n, BlockColumns), panelColumns));
        for (int firstColumn = 0; firstColumn < n; firstColumn += BlockColumns)
        {
            int columns = Math.Min(BlockColumns, n - firstColumn);
            int panels = CeilDiv(columns, panelColumns);
            int rowBlocks = CeilDiv(m, rowBlock);
            int columnChunks = rowBlocks >= 2 * threads ? 1 : Math.Min(panels, CeilDiv(2 * threads, rowBlocks));
            for (int firstDepth = 0; firstDepth < k; firstDepth += BlockDepth)
            {
                int depth = Math.Min(BlockDepth, k - firstDepth);
                PackBlockOfB(b, firstDepth, depth, firstColumn, columns, packedB, threads);
                var block = new Block
                {
                    A = a,
                    PackedB = packedB,
                    C = c + firstColumn,
                    CRowStride = n,
                    Rows = m,
                    RowBlock = rowBlock,
                    FirstDepth = firstDepth,
                    Depth = depth,
                    Columns = columns,
                    Panels = panels,
                    ColumnChunks = columnChunks,
                    Accumulate = accumulate || firstDepth > 0,
                };
                int units = rowBlocks * columnChunks;
                if (threads > 1)
                {
                    WorkerPool.RunInShares(&MultiplyUnit, &block, units);
                }
                else
                {
                    for (int unit = 0; unit < units; unit++)
                    {
                        MultiplyUnit(&block, unit);
                    }
                }
            }
        }
    }

    private static void PackBlockOfB(StridedMatrix b, int firstDepth, int depth, int firstColumn, int columns, float* packedB, int threads)
    {
        // A wide block (an affine layer's input gradient reads 4320 transposed columns) is worth packing on every core.
        int panels = CeilDiv(columns, PanelColumns);
        if (threads == 1 || (long)depth * columns < ParallelPackingFloats || panels < 2 * threads)
        {
            GemmPacking<TVector, TLanes>.PackB(b, firstDepth, depth, firstColumn, columns, packedB);
            return;
        }

        var packing = new BPacking
        {
            B = b,
            FirstDepth = firstDepth,
            Depth = depth,
            FirstColumn = firstColumn,
            Columns = columns,
            PanelsPerChunk = CeilDiv(panels, 2 * threads),
            PackedB = packedB,
        };
        WorkerPool.RunInShares(&PackChunkOfB, &packing, CeilDiv(panels, packing.PanelsPerChunk));
    }

    private static void PackChunkOfB(void* context, int chunk)
    {
        ref readonly BPacking packing = ref *(BPacking*)context;
        int start = chunk * packing.PanelsPerChunk * PanelColumns;
        int count = Math.Min(packing.PanelsPerChunk * PanelColumns, packing.Columns - start);
        GemmPacking<TVector, TLanes>.PackB(
            packing.B, packing.FirstDepth, packing.Depth, packing.FirstColumn + start, count, packing.PackedB + ((long)start * packing.Depth));
    }

    private static void MultiplyUnit(void* context, int unit)
    {
        ref readonly Block block = ref *(Block*)context;
        int rowBlockIndex = Math.DivRem(unit, block.ColumnChunks, out int chunk);
        int firstRow = rowBlockIndex * block.RowBlock;
        int rows = Math.Min(block.RowBlock, block.Rows - firstRow);
        int panelsPerChunk = CeilDiv(block.Panels, block.ColumnChunks);
        int firstPanel = chunk * panelsPerChunk;
        int endPanel = Math.Min(block.Panels, firstPanel + panelsPerChunk);
        int depth = block.Depth;
        int panelColumns = PanelColumns;

        // Always the largest block (the wide one: rows of a column-split C), so a thread never regrows it in steady state
        // whatever shares it is handed.
        float* packedA = GemmScratch.ForPackedA.Ensure(RoundUp(Math.Max(BlockRows, WideRowBlock), PanelRows) * BlockDepth);
        GemmPacking<TVector, TLanes>.PackA(block.A, firstRow, rows, block.FirstDepth, depth, packedA);
        for (int panel = firstPanel; panel < endPanel; panel++)
        {
            int firstColumn = panel * panelColumns;
            int columns = Math.Min(panelColumns, block.Columns - firstColumn);
            float* packedBPanel = block.PackedB + ((long)firstColumn * depth);
            for (int panelRow = 0; panelRow < rows; panelRow += PanelRows)
            {
                float* cTile = block.C + ((long)(firstRow + panelRow) * block.CRowStride) + firstColumn;
                GemmMicroKernel<TVector, TLanes>.Multiply(
                    depth,
                    packedA + ((long)panelRow * depth),
                    packedBPanel,
                    cTile,
                    block.CRowStride,
                    Math.Min(PanelRows, rows - panelRow),
                    columns,
                    block.Accumulate);
            }
        }
    }

    private static void MultiplySplitDepth(StridedMatrix a, StridedMatrix b, float* c, int m, int k, int n, bool accumulate, int parts)
    {
        var split = new DepthSplit
        {
            A = a,
            B = b,
            C = c,
            Partials = GemmScratch.ForPartialProducts.Ensure((parts - 1) * m * n),
            Rows = m,
            Depth = k,
            Columns = n,
            Parts = parts,
            Accumulate = accumulate,
        };
        WorkerPool.Run(&MultiplyDepthPart, &split, parts);
        var result = new Span<float>(c, m * n);
        for (int part = 1; part < parts; part++)
        {
            TensorPrimitives.Add(result, new ReadOnlySpan<float>(split.Partials + ((long)(part - 1) * m * n), m * n), result);
        }
    }

    private static void MultiplyDepthPart(void* context, int part)
    {
        ref readonly DepthSplit split = ref *(DepthSplit*)context;
        int firstDepth = (int)((long)split.Depth * part / split.Parts);
        int endDepth = (int)((long)split.Depth * (part + 1) / split.Parts);
        var a = new StridedMatrix(split.A.At(0, firstDepth), split.A.RowStride, split.A.ColumnStride);
        var b = new StridedMatrix(split.B.At(firstDepth, 0), split.B.RowStride, split.B.ColumnStride);

        // Part 0 writes C itself; the others write private partial products that the caller adds afterwards.
        float* target = part == 0 ? split.C : split.Partials + ((long)(part - 1) * split.Rows * split.Columns);
        MultiplyBlocked(a, b, target, split.Rows, endDepth - firstDepth, split.Columns, part == 0 && split.Accumulate, threads: 1);
    }

    private static int CeilDiv(int value, int divisor) => (value + divisor - 1) / divisor;

    private static int RoundUp(int value, int multiple) => CeilDiv(value, multiple) * multiple;

    /// <summary>The arguments of one block's units, passed to the workers by pointer.</summary>
    private struct Block
    {
        public StridedMatrix A;
        public float* PackedB;
        public float* C;
        public int CRowStride;
        public int Rows;
        public int RowBlock;
        public int FirstDepth;
        public int Depth;
        public int Columns;
        public int Panels;
        public int ColumnChunks;
        public bool Accumulate;
    }

    /// <summary>The arguments of a parallel packing of one block of B, passed to the workers by pointer.</summary>
    private struct BPacking
    {
        public StridedMatrix B;
        public int FirstDepth;
        public int Depth;
        public int FirstColumn;
        public int Columns;
        public int PanelsPerChunk;
        public float* PackedB;
    }

    /// <summary>The arguments of a depth-split product, passed to the workers by pointer.</summary>
    private struct DepthSplit
    {
        public StridedMatrix A;
        public StridedMatrix B;
        public float* C;
        public float* Partials;
        public int Rows;
        public int Depth;
        public int Columns;
        public int Parts;
        public bool Accumulate;
    }
}
