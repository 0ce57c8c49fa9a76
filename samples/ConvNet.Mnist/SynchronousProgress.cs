namespace ConvNet.Mnist;

/// <summary>
/// Reports progress on the calling thread, at once. (<see cref="Progress{T}"/> posts to the thread pool, so its
/// lines can arrive late and out of order in a console app.)
/// </summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
