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
        bool keepIndices = !maxIndices.IsEmpty;
        int planeSize = geometry.Height * geometry.Width;
        int outputIndex = 0;
        for (int plane = 0; plane < planeCount; plane++)
        {
            int planeStart = plane * planeSize;
            for (int outputY = 0; outputY < geometry.OutputHeight; outputY++)
            {
                for (int outputX = 0; outputX < geometry.OutputWidth; outputX++, outputIndex++)
                {
                    int windowStart = planeStart + (outputY * geometry.Stride * geometry.Width) + (outputX * geometry.Stride);
                    int bestIndex = windowStart;
                    float best = input[windowStart];
                    for (int windowY = 0; windowY < geometry.WindowHeight; windowY++)
                    {
                        int rowStart = windowStart + (windowY * geometry.Width);
                        for (int windowX = 0; windowX < geometry.WindowWidth; windowX++)
                        {
                            float value = input[rowStart + windowX];
                            if (value > best)
                            {
                                best = value;
                                bestIndex = rowStart + windowX;
                            }
                        }
                    }

                    output[outputIndex] = best;
                    if (keepIndices)
                    {
                        maxIndices[outputIndex] = bestIndex;
                    }
                }
            }
        }
    }

    /// <summary>Overwrites <paramref name="inputGradient"/>: each output gradient goes to its window's recorded maximum.</summary>
    public static void MaxBackward(ReadOnlySpan<float> outputGradient, ReadOnlySpan<int> maxIndices, Span<float> inputGradient)
    {
        inputGradient.Clear();
        for (int i = 0; i < outputGradient.Length; i++)
        {
            // Overlapping windows (stride < window) can pick the same input twice, so accumulate.
            inputGradient[maxIndices[i]] += outputGradient[i];
        }
    }

    /// <summary>Writes each window's mean.</summary>
    public static void AverageForward(ReadOnlySpan<float> input, Span<float> output, int planeCount, WindowGeometry geometry)
    {
        CheckSizes(input.Length, output.Length, planeCount, geometry);
        int planeSize = geometry.Height * geometry.Width;
        float scale = 1f / (geometry.WindowHeight * geometry.WindowWidth);
        int outputIndex = 0;
        for (int plane = 0; plane < planeCount; plane++)
        {
            int planeStart = plane * planeSize;
            for (int outputY = 0; outputY < geometry.OutputHeight; outputY++)
            {
                for (int outputX = 0; outputX < geometry.OutputWidth; outputX++, outputIndex++)
                {
                    int windowStart = planeStart + (outputY * geometry.Stride * geometry.Width) + (outputX * geometry.Stride);
                    float sum = 0f;
                    for (int windowY = 0; windowY < geometry.WindowHeight; windowY++)
                    {
                        int rowStart = windowStart + (windowY * geometry.Width);
                        for (int windowX = 0; windowX < geometry.WindowWidth; windowX++)
                        {
                            sum += input[rowStart + windowX];
                        }
                    }

                    output[outputIndex] = sum * scale;
                }
            }
        }
    }

    /// <summary>Overwrites <paramref name="inputGradient"/>: each output gradient is shared equally by its window.</summary>
    public static void AverageBackward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int planeCount, WindowGeometry geometry)
    {
        CheckSizes(inputGradient.Length, outputGradient.Length, planeCount, geometry);
        inputGradient.Clear();
        int planeSize = geometry.Height * geometry.Width;
        float scale = 1f / (geometry.WindowHeight * geometry.WindowWidth);
        int outputIndex = 0;
        for (int plane = 0; plane < planeCount; plane++)
        {
            int planeStart = plane * planeSize;
            for (int outputY = 0; outputY < geometry.OutputHeight; outputY++)
            {
                for (int outputX = 0; outputX < geometry.OutputWidth; outputX++, outputIndex++)
                {
                    int windowStart = planeStart + (outputY * geometry.Stride * geometry.Width) + (outputX * geometry.Stride);
                    float share = outputGradient[outputIndex] * scale;
                    for (int windowY = 0; windowY < geometry.WindowHeight; windowY++)
                    {
                        int rowStart = windowStart + (windowY * geometry.Width);
                        for (int windowX = 0; windowX < geometry.WindowWidth; windowX++)
                        {
                            inputGradient[rowStart + windowX] += share;
                        }
                    }
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
}
