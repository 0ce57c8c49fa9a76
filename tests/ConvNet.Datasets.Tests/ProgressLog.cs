namespace ConvNet.Datasets.Tests;

/// <summary>Collects progress lines as they are reported (Progress&lt;T&gt; would post them to the thread pool later).</summary>
internal sealed class ProgressLog : IProgress<string>
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public void Report(string value)
    {
        lock (_lines)
        {
            _lines.Add(value);
        }
    }
}
