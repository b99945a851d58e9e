using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using MedCrypt.Benchmarks;

// dotnet run -c Release --project tests/MedCrypt.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(ImageBenchmarks).Assembly)
    .Run(args, DefaultConfig.Instance.AddColumn(new ThroughputColumn()));
