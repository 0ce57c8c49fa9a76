using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ConvNet.Datasets.Tests;

/// <summary>
/// A local HTTP server on 127.0.0.1 standing in for a download mirror: it serves the given files under
/// <c>/mnist/</c>, answers 404 for anything else, and records the requested names.
/// </summary>
internal sealed class FakeMirror : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, byte[]> _files;
    private readonly Task _serving;

    public FakeMirror(Dictionary<string, byte[]> files, bool breakOffTransfers = false)
    {
        _files = files;
        BreakOffTransfers = breakOffTransfers;
        int port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/mnist/");
        _listener.Prefixes.Add(BaseAddress.AbsoluteUri);
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public Uri BaseAddress { get; }

    /// <summary>When set, every answer announces the full length, sends half of it and drops the connection.</summary>
    public bool BreakOffTransfers { get; }

    public ConcurrentQueue<string> RequestedNames { get; } = new();

    /// <summary>An address on 127.0.0.1 where nothing listens, so connections are refused at once.</summary>
    /// <remarks>A mirror that accepts connections but never answers is <see cref="SilentServer"/>.</remarks>
    public static Uri Unreachable() => new($"http://127.0.0.1:{FreePort()}/mnist/");

    public void Dispose()
    {
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            string name = context.Request.Url!.Segments[^1];
            RequestedNames.Enqueue(name);
            var response = context.Response;
            if (!_files.TryGetValue(name, out byte[]? content))
            {
                response.StatusCode = 404;
                response.Close();
                continue;
            }

            response.ContentLength64 = content.Length;
            if (BreakOffTransfers)
            {
                await response.OutputStream.WriteAsync(content.AsMemory(0, content.Length / 2));
                await response.OutputStream.FlushAsync();
                response.Abort();
                continue;
            }

            await response.OutputStream.WriteAsync(content);
            response.Close();
        }
    }
}
