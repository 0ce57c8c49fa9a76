using System.Net;
using System.Net.Sockets;

namespace ConvNet.Datasets.Tests;

/// <summary>
/// A mirror address on 127.0.0.1 whose port is bound but not listening: connections are refused at once, and no
/// other test or process can start listening there while it is held (a port probed free and released could be
/// taken by the time it is used).
/// </summary>
/// <remarks>A mirror that accepts connections but never answers is <see cref="SilentServer"/>.</remarks>
internal sealed class RefusingPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public RefusingPort()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_socket.LocalEndPoint!).Port}/mnist/");
    }

    public Uri BaseAddress { get; }

    public void Dispose() => _socket.Dispose();
}
