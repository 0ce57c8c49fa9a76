using BenchmarkDotNet.Running;

// Run all:          dotnet run -c Release --project benchmarks/ConvNet.Benchmarks -- --filter '*'
// GEMM shapes only: dotnet run -c Release --project benchmarks/ConvNet.Benchmarks -- --filter '*Gemm*'
// ConvNet vs ONNX Runtime on the exported network: ... -- --filter '*OnnxRuntimeComparison*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
