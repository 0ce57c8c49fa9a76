using System.Numerics.Tensors;

namespace ConvNet.Core.Kernels;

/// <summary>
/// Max and average pooling over unpadded windows, one plane (batch item × channel) at a time, NCHW in and out.
/// Window geometry comes from a <see cref="WindowGeometry"/> with one channel and no padding.
/// </summary>
internal static class Pool
{
    /// <summary>Writes each window's maximum; when <paramref name="maxIndices"/> is not empty, also the index (within
    /// the whole input) of the first maximum in row-major window order, as numpy's argmax picks it.</summary>
    public static void MaxForward(ReadOnlySpan<float> input, Span<float> output, Span<int> maxIndices, int planeCount, WindowGeometry geometry)
    {
        CheckSizes(input.Length, output.Length, planeCount, geometry);
        var visitor = new Max { Input = input, Output = output, MaxIndices = maxIndices, Geometry = geometry };
        Walk(ref visitor, planeCount, geometry);
    }

    /// <summary>Writes each window's mean.</summary>
    public static void AverageForward(ReadOnlySpan<float> input, Span<float> output, int planeCount, WindowGeometry geometry)
    {
        CheckSizes(input.Length, output.Length, planeCount, geometry);
        var visitor = new Mean { Input = input, Output = output, Geometry = geometry };
        Walk(ref visitor, planeCount, geometry);
    }

    /// <summary>Overwrites <paramref name="inputGradient"/>: each output gradient is shared equally by its window.</summary>
    public static void AverageBackward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int planeCount, WindowGeometry geometry)
    {
        CheckSizes(inputGradient.Length, outputGradient.Length, planeCount, geometry);
        inputGradient.Clear();
        var visitor = new ShareMean { OutputGradient = outputGradient, InputGradient = inputGradient, Geometry = geometry };
        Walk(ref visitor, planeCount, geometry);
    }

    /// <summary>Calls the visitor once per window with the output index and the input index of the window's top-left pixel.</summary>
    private static void Walk<TVisitor>(ref TVisitor visitor, int planeCount, WindowGeometry geometry)
        where TVisitor : IWindowVisitor, allows ref struct
    {
        int planeSize = geometry.Height * geometry.Width;
        int outputHeight = geometry.OutputHeight, outputWidth = geometry.OutputWidth;
        int rowStep = geometry.Stride * geometry.Width, columnStep = geometry.Stride;
        int outputIndex = 0;
        for (int plane = 0; plane < planeCount; plane++)
        {
            for (int outputY = 0; outputY < outputHeight; outputY++)
            {
                int rowStart = (plane * planeSize) + (outputY * rowStep);
                for (int outputX = 0; outputX < outputWidth; outputX++, outputIndex++)
                {
                    visitor.Window(outputIndex, rowStart + (outputX * columnStep));
                }
            }
        }
    }

    private static void CheckSizes(int inputLength, int outputLength, int planeCount, WindowGeometry geometry)
    {
        // Internal callers pass exact sizes; a mismatch is a library bug, so fail loudly rather than index out of range.
        long inputNeeded = (long)planeCount * geometry.Height * geometry.Width;
        long outputNeeded = (long)planeCount * geometry.OutputPositions;
        if (geometry.Padding != 0 || inputLength < inputNeeded || outputLength < outputNeeded)
        {
            throw new ArgumentException(
                $"Pooling operand mismatch: input has {inputLength} of {inputNeeded}, output {outputLength} of {outputNeeded} elements, padding {geometry.Padding} (must be 0).");
        }
    }

    private interface IWindowVisitor
    {
        void Window(int outputIndex, int windowStart);
    }

    private readonly ref struct Max : IWindowVisitor
    {
        public required ReadOnlySpan<float> Input { get; init; }

        public required Span<float> Output { get; init; }

        public required Span<int> MaxIndices { get; init; }

        public required WindowGeometry Geometry { get; init; }

        public void Window(int outputIndex, int windowStart)
        {
            ReadOnlySpan<float> input = Input;
            int width = Geometry.Width, windowWidth = Geometry.WindowWidth, windowEnd = windowStart + (Geometry.WindowHeight * width);
            int bestIndex = windowStart;
            float best = input[windowStart];
            for (int rowStart = windowStart; rowStart < windowEnd; rowStart += width)
            {
                for (int index = rowStart; index < rowStart + windowWidth; index++)
                {
                    // Strictly greater keeps the first maximum.
                    if (input[index] > best)
                    {
                        best = input[index];
                        bestIndex = index;
                    }
                }
            }

            Output[outputIndex] = best;
            if (!MaxIndices.IsEmpty)
            {
                MaxIndices[outputIndex] = bestIndex;
            }
        }
    }

    private readonly ref struct Mean : IWindowVisitor
    {
        public required ReadOnlySpan<float> Input { get; init; }

        public required Span<float> Output { get; init; }

        public required WindowGeometry Geometry { get; init; }

        public void Window(int outputIndex, int windowStart)
        {
            float sum = 0f;
            for (int windowY = 0; windowY < Geometry.WindowHeight; windowY++)
            {
                sum += TensorPrimitives.Sum(Input.Slice(windowStart + (windowY * Geometry.Width), Geometry.WindowWidth));
            }

            Output[outputIndex] = sum / (Geometry.WindowHeight * Geometry.WindowWidth);
        }
    }

    private readonly ref struct ShareMean : IWindowVisitor
    {
        public required ReadOnlySpan<float> OutputGradient { get; init; }

        public required Span<float> InputGradient { get; init; }

        public required WindowGeometry Geometry { get; init; }

        public void Window(int outputIndex, int windowStart)
        {
            float share = OutputGradient[outputIndex] / (Geometry.WindowHeight * Geometry.WindowWidth);
            for (int windowY = 0; windowY < Geometry.WindowHeight; windowY++)
            {
                // Overlapping windows (stride < window) share pixels, so add rather than assign.
                Span<float> row = InputGradient.Slice(windowStart + (windowY * Geometry.Width), Geometry.WindowWidth);
                TensorPrimitives.Add(row, share, row);
            }
        }
    }
}
