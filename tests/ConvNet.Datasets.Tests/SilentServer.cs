using System.Net;
using System.Net.Sockets;

namespace ConvNet.Datasets.Tests;

/// <summary>A TCP server on 127.0.0.1 that accepts connections and never answers: a hung mirror.</summary>
internal sealed class SilentServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public SilentServer()
    {
        // The kernel completes the handshake for queued connections, so no accept loop is needed to stay silent.
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/mnist/");
    }

    public Uri BaseAddress { get; }

    public void Dispose() => _listener.Dispose();
}
