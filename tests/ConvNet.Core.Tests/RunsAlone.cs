namespace ConvNet.Core.Tests;

/// <summary>
/// The collection of tests whose outcome other tests running at the same time could change: tests that count
/// allocations (a process-wide counter sees every test's work, and a kernel called while the worker pool serves
/// another test runs on the caller's thread, which then allocates that thread's scratch buffers) and tests of
/// process-wide state (the inference buffer pool, the kernels' worker pool). xunit runs a collection whose
/// parallelization is disabled after all the parallel ones, one test at a time.
/// </summary>
/// <remarks>
/// Everything here adds to the suite's wall time, so only such tests belong here. A test that bounds its own thread's
/// allocations far above any stray runtime allocation, in code that touches no process-wide state (the IDX reader's
/// 10 MB bound against the 784 MB a bad header announces), runs in parallel.
/// </remarks>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    /// <summary>The collection's name, for <c>[Collection(RunsAlone.Name)]</c>.</summary>
    public const string Name = "Runs alone";
}
