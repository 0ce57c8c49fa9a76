namespace ConvNet.Core.Tests;

/// <summary>
/// Base of the tests that change <see cref="ConvNetRuntime.ThreadCount"/>, which is process-wide: it is put back after each
/// test, and the deriving class belongs in the <see cref="RunsAlone"/> collection.
/// </summary>
public abstract class RestoresThreadCount : IDisposable
{
    private readonly int _threadsBefore = ConvNetRuntime.ThreadCount;

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            ConvNetRuntime.ThreadCount = _threadsBefore;
        }
    }
}
