using BenchmarkDotNet.Attributes;
using ConvNet.Core.Kernels;

namespace ConvNet.Benchmarks;

/// <summary>
/// The GEMM at a large square size (compare with the machine's fp32 peak) and at the shapes SimpleConvNet
/// multiplies at batch 100: convolution forward (57600×25·25×30), its weight gradient (Aᵀ·B over the 57600
/// positions) and input gradient, and the 4320→100 affine layer forward, weight and input gradients.
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];

    public static IEnumerable<GemmShape> Shapes =>
    [
        new(GemmForm.Plain, 1024, 1024, 1024),
        new(GemmForm.Plain, 57600, 25, 30),
        new(GemmForm.TransposedA, 30, 57600, 25),
        new(GemmForm.Plain, 57600, 30, 25),
        new(GemmForm.Plain, 100, 4320, 100),
        new(GemmForm.TransposedA, 4320, 100, 100),
        new(GemmForm.TransposedB, 100, 100, 4320),
    ];

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = new(GemmForm.Plain, 1, 1, 1);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _a = Enumerable.Range(0, Shape.M * Shape.K).Select(_ => random.NextSingle() - 0.5f).ToArray();
        _b = Enumerable.Range(0, Shape.K * Shape.N).Select(_ => random.NextSingle() - 0.5f).ToArray();
        _c = new float[Shape.M * Shape.N];
    }

    [Benchmark]
    public void Multiply()
    {
        switch (Shape.Form)
        {
            case GemmForm.Plain:
                Gemm.Multiply(_a, _b, _c, Shape.M, Shape.K, Shape.N);
                break;
            case GemmForm.TransposedA:
                Gemm.MultiplyTransposedA(_a, _b, _c, Shape.M, Shape.K, Shape.N);
                break;
            default:
                Gemm.MultiplyTransposedB(_a, _b, _c, Shape.M, Shape.K, Shape.N);
                break;
        }
    }
}

/// <summary>Which operand the product reads transposed.</summary>
public enum GemmForm
{
    Plain,
    TransposedA,
    TransposedB,
}

/// <summary>C[M×N] = op(A)[M×K] · op(B)[K×N].</summary>
public sealed record GemmShape(GemmForm Form, int M, int K, int N)
{
    /// <summary>Floating-point operations of one product.</summary>
    public double Flops => 2.0 * M * K * N;

    public override string ToString() => $"{Form} {M}x{K}x{N}";
}
