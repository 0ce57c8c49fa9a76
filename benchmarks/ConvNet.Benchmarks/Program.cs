using BenchmarkDotNet.Running;

// Run all:          dotnet run -c Release --project benchmarks/ConvNet.Benchmarks -- --filter '*'
// GEMM shapes only: dotnet run -c Release --project benchmarks/ConvNet.Benchmarks -- --filter '*Gemm*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
