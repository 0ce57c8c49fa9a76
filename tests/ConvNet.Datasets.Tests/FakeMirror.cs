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
    private readonly HttpListener _listener;
    private readonly Dictionary<string, byte[]> _files;
    private readonly Task _serving;

    public FakeMirror(Dictionary<string, byte[]> files, bool breakOffTransfers = false)
    {
        _files = files;
        BreakOffTransfers = breakOffTransfers;
        (_listener, BaseAddress) = StartListener();
        _serving = Task.Run(ServeAsync);
    }

    public Uri BaseAddress { get; }

    /// <summary>When set, every answer announces the full length, sends half of it and drops the connection.</summary>
    public bool BreakOffTransfers { get; }

    public ConcurrentQueue<string> RequestedNames { get; } = new();

    public void Dispose()
    {
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// A listener on a port that was free a moment ago: HttpListener cannot take port 0 itself, and another process
    /// may take the probed port first, so a few ports are tried.
    /// </summary>
    private static (HttpListener Listener, Uri BaseAddress) StartListener()
    {
        for (int attempt = 1; ; attempt++)
        {
            var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}/mnist/");
            var listener = new HttpListener();
            listener.Prefixes.Add(baseAddress.AbsoluteUri);
            try
            {
                listener.Start();
                return (listener, baseAddress);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
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
