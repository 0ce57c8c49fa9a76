using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConvNet.Core.Kernels;

/// <summary>
/// Max pooling over a batch of planes on every core, with a vectorized path for the common 2×2 window at
/// stride 2 (four outputs per step: the two input rows are split into even and odd columns and compared,
/// keeping the first maximum in row-major window order, as <see cref="Pool.MaxForward"/> does).
/// Other geometries run <see cref="Pool"/>'s loops, plane chunk by plane chunk.
/// </summary>
internal static unsafe class PoolingKernels
{
    // Planes per unit of work: enough to amortize the hand-off, few enough to balance two busy cores.
    private const int PlanesPerChunk = 32;

    /// <summary>Same contract as <see cref="Pool.MaxForward"/>, spread over the cores.</summary>
    public static void MaxForward(ReadOnlySpan<float> input, Span<float> output, Span<int> maxIndices, int planeCount, WindowGeometry geometry)
    {
        CheckSizes(input.Length, output.Length, maxIndices.Length, planeCount, geometry);
        fixed (float* inputData = input, outputData = output)
        fixed (int* indexData = maxIndices)
        {
            var pass = new Pass { Geometry = geometry, PlaneCount = planeCount, Input = inputData, Output = outputData, MaxIndices = maxIndices.IsEmpty ? null : indexData };
            WorkerPool.RunInShares(&MaxForwardChunk, &pass, CeilDiv(planeCount, PlanesPerChunk));
        }
    }

    /// <summary>
    /// Overwrites <paramref name="inputGradient"/>: each output gradient goes to its window's maximum as recorded by
    /// <see cref="MaxForward"/> (summed where overlapping windows picked the same input).
    /// </summary>
    public static void MaxBackward(ReadOnlySpan<float> outputGradient, ReadOnlySpan<int> maxIndices, Span<float> inputGradient, int planeCount, WindowGeometry geometry)
    {
        CheckSizes(inputGradient.Length, outputGradient.Length, maxIndices.Length, planeCount, geometry);
        fixed (float* gradientData = outputGradient, inputGradientData = inputGradient)
        fixed (int* indexData = maxIndices)
        {
            var pass = new Pass { Geometry = geometry, PlaneCount = planeCount, Input = inputGradientData, Output = gradientData, MaxIndices = indexData };
            WorkerPool.RunInShares(&MaxBackwardChunk, &pass, CeilDiv(planeCount, PlanesPerChunk));
        }
    }

    private static void MaxForwardChunk(void* context, int chunk)
    {
        ref readonly Pass pass = ref *(Pass*)context;
        WindowGeometry geometry = pass.Geometry;
        (int firstPlane, int planes) = pass.PlanesOf(chunk);
        int planeSize = geometry.Height * geometry.Width;
        int outputPlaneSize = geometry.OutputPositions;
        if (Sse.IsSupported && geometry is { WindowHeight: 2, WindowWidth: 2, Stride: 2 })
        {
            for (int plane = firstPlane; plane < firstPlane + planes; plane++)
            {
                int* maxIndices = pass.MaxIndices is null ? null : pass.MaxIndices + ((long)plane * outputPlaneSize);
                MaxForward2x2(pass.Input, plane * planeSize, pass.Output + ((long)plane * outputPlaneSize), maxIndices, geometry);
            }

            return;
        }

        Pool.MaxForward(
            new ReadOnlySpan<float>(pass.Input + ((long)firstPlane * planeSize), planes * planeSize),
            new Span<float>(pass.Output + ((long)firstPlane * outputPlaneSize), planes * outputPlaneSize),
            pass.MaxIndices is null ? [] : new Span<int>(pass.MaxIndices + ((long)firstPlane * outputPlaneSize), planes * outputPlaneSize),
            planes,
            geometry);
        if (pass.MaxIndices is not null)
        {
            // Pool numbers indices within the span it was given; make them absolute.
            int offset = firstPlane * planeSize;
            for (int i = firstPlane * outputPlaneSize; i < (firstPlane + planes) * outputPlaneSize; i++)
            {
                pass.MaxIndices[i] += offset;
            }
        }
    }

    /// <summary>One plane; <paramref name="maxIndices"/> may be null (inference keeps no indices).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxForward2x2(float* input, int planeStart, float* output, int* maxIndices, WindowGeometry geometry)
    {
        int width = geometry.Width;
        int outputWidth = geometry.OutputWidth;
        Vector128<int> lanePairs = Vector128.Create(0, 2, 4, 6);
        Vector128<int> right = Vector128.Create(1);
        Vector128<int> below = Vector128.Create(width);
        for (int outputY = 0; outputY < geometry.OutputHeight; outputY++)
        {
            int rowStart = planeStart + (2 * outputY * width);
            float* top = input + rowStart;
            float* bottom = top + width;
            float* outputRow = output + (outputY * outputWidth);
            int* indexRow = maxIndices is null ? null : maxIndices + (outputY * outputWidth);
            int outputX = 0;
            for (; outputX <= outputWidth - 4; outputX += 4)
            {
                int x = 2 * outputX;
                Vector128<float> topLow = Vector128.Load(top + x), topHigh = Vector128.Load(top + x + 4);
                Vector128<float> bottomLow = Vector128.Load(bottom + x), bottomHigh = Vector128.Load(bottom + x + 4);
                Vector128<int> topLeft = Vector128.Create(rowStart + x) + lanePairs;
                Vector128<float> best = Sse.Shuffle(topLow, topHigh, 0b10_00_10_00);
                Vector128<int> index = topLeft;
                Keep(ref best, ref index, Sse.Shuffle(topLow, topHigh, 0b11_01_11_01), topLeft + right);
                Keep(ref best, ref index, Sse.Shuffle(bottomLow, bottomHigh, 0b10_00_10_00), topLeft + below);
                Keep(ref best, ref index, Sse.Shuffle(bottomLow, bottomHigh, 0b11_01_11_01), topLeft + below + right);
                best.Store(outputRow + outputX);
                if (indexRow is not null)
                {
                    index.Store(indexRow + outputX);
                }
            }

            for (; outputX < outputWidth; outputX++)
            {
                int x = 2 * outputX;
                float best = top[x];
                int index = rowStart + x;
                KeepScalar(ref best, ref index, top[x + 1], rowStart + x + 1);
                KeepScalar(ref best, ref index, bottom[x], rowStart + width + x);
                KeepScalar(ref best, ref index, bottom[x + 1], rowStart + width + x + 1);
                outputRow[outputX] = best;
                if (indexRow is not null)
                {
                    indexRow[outputX] = index;
                }
            }
        }
    }

    // A later candidate wins only when strictly greater, so ties keep the first maximum (numpy's argmax).
    private static void Keep(ref Vector128<float> best, ref Vector128<int> index, Vector128<float> candidate, Vector128<int> candidateIndex)
    {
        Vector128<float> greater = Vector128.GreaterThan(candidate, best);
        best = Vector128.ConditionalSelect(greater, candidate, best);
        index = Vector128.ConditionalSelect(greater.AsInt32(), candidateIndex, index);
    }

    private static void KeepScalar(ref float best, ref int index, float candidate, int candidateIndex)
    {
        if (candidate > best)
        {
            best = candidate;
            index = candidateIndex;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxBackwardChunk(void* context, int chunk)
    {
        ref readonly Pass pass = ref *(Pass*)context;
        WindowGeometry geometry = pass.Geometry;
        (int firstPlane, int planes) = pass.PlanesOf(chunk);
        int planeSize = geometry.Height * geometry.Width;

        // A window lies inside its plane, so each plane is cleared and filled on its own while it sits in L1.
        // Pointers go to locals: read through the Pass they could alias the stores, and be reloaded every time.
        float* inputGradient = pass.Input;
        float* outputGradient = pass.Output;
        int* maxIndices = pass.MaxIndices;
        int outputPlaneSize = geometry.OutputPositions;
        bool windowsOverlap = geometry.Stride < geometry.WindowHeight || geometry.Stride < geometry.WindowWidth;
        for (int plane = firstPlane; plane < firstPlane + planes; plane++)
        {
            new Span<float>(inputGradient + ((long)plane * planeSize), planeSize).Clear();
            int end = (plane + 1) * outputPlaneSize;
            if (windowsOverlap)
            {
                for (int i = plane * outputPlaneSize; i < end; i++)
                {
                    inputGradient[maxIndices[i]] += outputGradient[i];
                }
            }
            else
            {
                // Each input belongs to at most one window: a store, without the load of an accumulation.
                for (int i = plane * outputPlaneSize; i < end; i++)
                {
                    inputGradient[maxIndices[i]] = outputGradient[i];
                }
            }
        }
    }

    private static int CeilDiv(int value, int divisor) => (value + divisor - 1) / divisor;

    private static void CheckSizes(int inputLength, int outputLength, int indicesLength, int planeCount, WindowGeometry geometry)
    {
        // Internal callers pass exact sizes; a mismatch is a library bug, so fail loudly rather than index out of range.
        long inputNeeded = (long)planeCount * geometry.Height * geometry.Width;
        long outputNeeded = (long)planeCount * geometry.OutputPositions;
        if (geometry.Padding != 0 || inputLength != inputNeeded || outputLength != outputNeeded || (indicesLength != 0 && indicesLength != outputNeeded))
        {
            throw new ArgumentException(
                $"Pooling operand mismatch: input has {inputLength} of {inputNeeded}, output {outputLength} and indices {indicesLength} of {outputNeeded} elements, padding {geometry.Padding} (must be 0).");
        }
    }

    /// <summary>One batch pass's arguments, passed to the workers by pointer.</summary>
    private struct Pass
    {
        public WindowGeometry Geometry;
        public int PlaneCount;

        /// <summary>The input planes; for the backward pass, their gradient being written.</summary>
        public float* Input;

        /// <summary>The output planes; for the backward pass, their gradient.</summary>
        public float* Output;

        /// <summary>Absolute input index of each output's maximum, or null when not kept.</summary>
        public int* MaxIndices;

        public readonly (int First, int Count) PlanesOf(int chunk)
        {
            int first = chunk * PlanesPerChunk;
            return (first, Math.Min(PlanesPerChunk, PlaneCount - first));
        }
    }
}
