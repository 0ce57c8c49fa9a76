using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConvNet.Core.Kernels;

/// <summary>Matrix transposition between strided buffers, eight by eight in AVX registers where the machine has them.</summary>
internal static unsafe class BlockTranspose
{
    /// <summary>
    /// target[c · <paramref name="targetStride"/> + r] = source[r · <paramref name="sourceStride"/> + c] for r &lt;
    /// <paramref name="rows"/>, c &lt; <paramref name="columns"/>; nothing else is read or written.
    /// </summary>
    /// <remarks>Blocks read whole rows of eight, so the columns rounded up to eight must lie within <paramref name="sourceStride"/>; otherwise, and for the last rows, it copies element by element.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose(float* source, int sourceStride, int rows, int columns, float* target, int targetStride)
    {
        int blockedRows = 0;
        if (Avx.IsSupported && (columns + 7) / 8 * 8 <= sourceStride)
        {
            blockedRows = rows / 8 * 8;
            for (int column = 0; column < columns; column += 8)
            {
                int count = Math.Min(8, columns - column);
                for (int row = 0; row < blockedRows; row += 8)
                {
                    Transpose8x8(source + ((long)row * sourceStride) + column, sourceStride, target + ((long)column * targetStride) + row, targetStride, count);
                }
            }
        }

        for (int column = 0; column < columns; column++)
        {
            float* targetRow = target + ((long)column * targetStride);
            for (int row = blockedRows; row < rows; row++)
            {
                targetRow[row] = source[((long)row * sourceStride) + column];
            }
        }
    }

    /// <summary>An 8 × 8 block: rows of eight from <paramref name="source"/>, the first <paramref name="columns"/> columns written as rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* source, int sourceStride, float* target, int targetStride, int columns)
    {
        Vector256<float> r0 = Avx.LoadVector256(source);
        Vector256<float> r1 = Avx.LoadVector256(source + sourceStride);
        Vector256<float> r2 = Avx.LoadVector256(source + (2L * sourceStride));
        Vector256<float> r3 = Avx.LoadVector256(source + (3L * sourceStride));
        Vector256<float> r4 = Avx.LoadVector256(source + (4L * sourceStride));
        Vector256<float> r5 = Avx.LoadVector256(source + (5L * sourceStride));
        Vector256<float> r6 = Avx.LoadVector256(source + (6L * sourceStride));
        Vector256<float> r7 = Avx.LoadVector256(source + (7L * sourceStride));
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(target, Avx.Permute2x128(u0, u4, 0x20));
        if (columns > 1)
        {
            Avx.Store(target + targetStride, Avx.Permute2x128(u1, u5, 0x20));
        }

        if (columns > 2)
        {
            Avx.Store(target + (2L * targetStride), Avx.Permute2x128(u2, u6, 0x20));
        }

        if (columns > 3)
        {
            Avx.Store(target + (3L * targetStride), Avx.Permute2x128(u3, u7, 0x20));
        }

        if (columns > 4)
        {
            Avx.Store(target + (4L * targetStride), Avx.Permute2x128(u0, u4, 0x31));
        }

        if (columns > 5)
        {
            Avx.Store(target + (5L * targetStride), Avx.Permute2x128(u1, u5, 0x31));
        }

        if (columns > 6)
        {
            Avx.Store(target + (6L * targetStride), Avx.Permute2x128(u2, u6, 0x31));
        }

        if (columns > 7)
        {
            Avx.Store(target + (7L * targetStride), Avx.Permute2x128(u3, u7, 0x31));
        }
    }
}
