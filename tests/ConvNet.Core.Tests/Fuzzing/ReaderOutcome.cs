namespace ConvNet.Core.Tests.Fuzzing;

/// <summary>
/// Runs a reader on a damaged file and checks the contract every reader keeps: it returns a value or throws one of
/// its documented exception types with a message that names the file, and allocates no more than a bound.
/// </summary>
internal static class ReaderOutcome
{
    /// <summary>Runs <paramref name="read"/> on <paramref name="content"/> written to <paramref name="path"/>.</summary>
    /// <returns>Whether the reader accepted the file (false: it threw a documented exception).</returns>
    public static bool Check(string path, byte[] content, Action<string> read, long maxAllocatedBytes, params Type[] documented)
    {
        File.WriteAllBytes(path, content);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Exception? thrown = null;
        try
        {
            read(path);
        }
#pragma warning disable CA1031 // The point is to classify whatever the reader throws.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            thrown = exception;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        allocated.Should().BeLessThan(maxAllocatedBytes, "reading a {0}-byte file ({1})", content.Length, thrown?.Message ?? "accepted");
        if (thrown is null)
        {
            return true;
        }

        documented.Should().Contain(thrown.GetType(), "an undocumented {0} escaped: {1}", thrown.GetType().Name, thrown);
        thrown.Message.Length.Should().BeLessThan(2000, "errors stay one readable line");
        if (thrown is InvalidDataException)
        {
            thrown.Message.Should().Contain(path, "errors about the file's content name the file");
        }

        return false;
    }
}
