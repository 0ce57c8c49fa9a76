using BenchmarkDotNet.Running;
using ConvNet.Benchmarks;

// ConvNet's bench and ONNX Runtime on the same exported network, 3 rounds on MNIST's test images or, with "random", dense random pictures (one JSON line each):
//                   dotnet run -c Release --project benchmarks/ConvNet.Benchmarks -- side-by-side [rounds] [random]
// Run all:          dotnet run -c Release --project benchmarks/ConvNet.Benchmarks -- --filter '*'
// GEMM shapes only: dotnet run -c Release --project benchmarks/ConvNet.Benchmarks -- --filter '*Gemm*'
// ConvNet vs ONNX Runtime on the exported network: ... -- --filter '*OnnxRuntimeComparison*'
if (args is ["side-by-side", .. var rest])
{
    return await SideBySide.RunAsync(rest);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
