using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ConvNet.Core.Kernels;

/// <summary>
/// im2col for one image in the transposed ("Caffe") layout: a [patchSize × outputPositions] matrix whose row
/// (channel, windowY, windowX) holds, for every output position, the pixel that filter tap sees there.
/// </summary>
/// <remarks>
/// With this layout a convolution of one image is weight [filters × patchSize] · patches, whose result is already
/// the NCHW output planes, and each row is filled by copying runs of an image row (contiguous when the stride is 1).
/// Padding reads as zero.
/// </remarks>
internal static unsafe class PatchMatrix
{
    /// <summary>Fills <paramref name="patches"/> [PatchSize × OutputPositions] from <paramref name="image"/> [C, H, W].</summary>
    public static void Unroll(float* image, float* patches, WindowGeometry geometry) =>
        UnrollRows(image, patches, geometry, 0, geometry.OutputHeight, geometry.OutputPositions);

    /// <summary>
    /// The columns of output rows [<paramref name="firstOutputRow"/>, + <paramref name="outputRows"/>) only (a band of the
    /// image): patch row r starts at <paramref name="patches"/> + r · <paramref name="rowStride"/> and holds
    /// outputRows · OutputWidth values; the rest of each row is not touched.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void UnrollRows(float* image, float* patches, WindowGeometry geometry, int firstOutputRow, int outputRows, int rowStride)
    {
        int outputWidth = geometry.OutputWidth;
        float* patchRow = patches;
        for (int channel = 0; channel < geometry.Channels; channel++)
        {
            float* plane = image + ((long)channel * geometry.Height * geometry.Width);
            for (int windowY = 0; windowY < geometry.WindowHeight; windowY++)
            {
                for (int windowX = 0; windowX < geometry.WindowWidth; windowX++, patchRow += rowStride)
                {
                    (int first, int end) = InsideOutputRange(windowX, geometry);
                    float* target = patchRow;
                    for (int outputY = firstOutputRow; outputY < firstOutputRow + outputRows; outputY++, target += outputWidth)
                    {
                        int y = (outputY * geometry.Stride) - geometry.Padding + windowY;
                        if (y < 0 || y >= geometry.Height || first >= end)
                        {
                            ClearRun(target, 0, outputWidth);
                            continue;
                        }

                        ClearRun(target, 0, first);
                        ClearRun(target, end, outputWidth);
                        float* source = plane + ((long)y * geometry.Width) + (first * geometry.Stride) - geometry.Padding + windowX;
                        if (geometry.Stride == 1)
                        {
                            CopyRun(source, target + first, end - first);
                        }
                        else
                        {
                            for (int outputX = first; outputX < end; outputX++, source += geometry.Stride)
                            {
                                target[outputX] = *source;
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The adjoint of <see cref="Unroll"/>: adds every entry of <paramref name="patches"/> to the pixel it was
    /// read from in <paramref name="image"/> (entries that fell on the padding are dropped).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FoldAdd(float* patches, float* image, WindowGeometry geometry)
    {
        int outputWidth = geometry.OutputWidth;
        float* source = patches;
        for (int channel = 0; channel < geometry.Channels; channel++)
        {
            float* plane = image + ((long)channel * geometry.Height * geometry.Width);
            for (int windowY = 0; windowY < geometry.WindowHeight; windowY++)
            {
                for (int windowX = 0; windowX < geometry.WindowWidth; windowX++)
                {
                    (int first, int end) = InsideOutputRange(windowX, geometry);
                    for (int outputY = 0; outputY < geometry.OutputHeight; outputY++, source += outputWidth)
                    {
                        int y = (outputY * geometry.Stride) - geometry.Padding + windowY;
                        if (y < 0 || y >= geometry.Height || first >= end)
                        {
                            continue;
                        }

                        float* target = plane + ((long)y * geometry.Width) + (first * geometry.Stride) - geometry.Padding + windowX;
                        if (geometry.Stride == 1)
                        {
                            AddRun(source + first, target, end - first);
                        }
                        else
                        {
                            for (int outputX = first; outputX < end; outputX++, target += geometry.Stride)
                            {
                                *target += source[outputX];
                            }
                        }
                    }
                }
            }
        }
    }

    // Runs are one output row long (tens of floats): inline vector loops beat the span helpers' call overhead here.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRun(float* source, float* target, int count)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= count - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256.Load(source + i).Store(target + i);
            }
        }

        for (; i <= count - Vector128<float>.Count; i += Vector128<float>.Count)
        {
            Vector128.Load(source + i).Store(target + i);
        }

        for (; i < count; i++)
        {
            target[i] = source[i];
        }
    }

    private static void AddRun(float* source, float* target, int count)
    {
        int i = 0;
        for (; i <= count - Vector128<float>.Count; i += Vector128<float>.Count)
        {
            (Vector128.Load(target + i) + Vector128.Load(source + i)).Store(target + i);
        }

        for (; i < count; i++)
        {
            target[i] += source[i];
        }
    }

    private static void ClearRun(float* row, int start, int end)
    {
        for (int i = start; i < end; i++)
        {
            row[i] = 0;
        }
    }

    /// <summary>The output columns [first, end) at which filter column <paramref name="windowX"/> lands inside the image.</summary>
    private static (int First, int End) InsideOutputRange(int windowX, WindowGeometry geometry)
    {
        // x = outputX·stride − padding + windowX must satisfy 0 ≤ x < width.
        int offset = windowX - geometry.Padding;
        if (geometry.Stride == 1)
        {
            // The common case, without the divisions (tens of cycles each, once per patch row).
            return (Math.Max(0, -offset), Math.Max(Math.Max(0, -offset), Math.Min(geometry.Width - offset, geometry.OutputWidth)));
        }

        int first = offset >= 0 ? 0 : (-offset + geometry.Stride - 1) / geometry.Stride;
        int end = geometry.Width - 1 - offset < 0 ? 0 : ((geometry.Width - 1 - offset) / geometry.Stride) + 1;
        return (first, Math.Max(first, Math.Min(end, geometry.OutputWidth)));
    }
}
