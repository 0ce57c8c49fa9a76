using System.Runtime.Intrinsics;
using ConvNet.Core.Kernels;

namespace ConvNet.Core.Tests.Kernels;

public class RowDotProductsTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 4, 16)]
    [InlineData(7, 9, 37)]
    [InlineData(30, 25, 576)]
    public unsafe void Every_instruction_set_this_machine_runs_adds_A_times_B_transposed(int m, int n, int k)
    {
        var random = new Random(m + n + k);
        float[] a = Enumerable.Range(0, m * k).Select(_ => random.NextSingle() - 0.5f).ToArray();
        float[] b = Enumerable.Range(0, n * k).Select(_ => random.NextSingle() - 0.5f).ToArray();
        float[] start = Enumerable.Range(0, m * n).Select(_ => random.NextSingle()).ToArray();
        var expected = new double[m * n];
        for (int row = 0; row < m; row++)
        {
            for (int column = 0; column < n; column++)
            {
                double sum = start[(row * n) + column];
                for (int p = 0; p < k; p++)
                {
                    sum += (double)a[(row * k) + p] * b[(column * k) + p];
                }

                expected[(row * n) + column] = sum;
            }
        }

        var results = new List<float[]>();
        fixed (float* aData = a, bData = b)
        {
            if (Lanes512.IsSupported)
            {
                results.Add(Run<Vector512<float>, Lanes512>(aData, bData, start, m, n, k));
            }

            if (Lanes256.IsSupported)
            {
                results.Add(Run<Vector256<float>, Lanes256>(aData, bData, start, m, n, k));
            }

            results.Add(Run<Vector128<float>, Lanes128>(aData, bData, start, m, n, k));
        }

        foreach (float[] result in results)
        {
            result.Select(value => (double)value).Should().Equal(expected, (actual, wanted) => Math.Abs(actual - wanted) <= 1e-4 * (1 + Math.Abs(wanted)));
        }
    }

    private static unsafe float[] Run<TVector, TLanes>(float* a, float* b, float[] start, int m, int n, int k)
        where TVector : struct
        where TLanes : struct, IFloatLanes<TVector>
    {
        float[] c = (float[])start.Clone();
        fixed (float* cData = c)
        {
            RowDotProducts<TVector, TLanes>.MultiplyAddTransposed(a, b, cData, m, n, k);
        }

        return c;
    }
}
