using System.Net;
using System.Net.Sockets;

namespace ConvNet.Datasets.Tests;

/// <summary>A TCP server on 127.0.0.1 that accepts connections and never answers: a hung mirror.</summary>
internal sealed class SilentServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _clients = [];
    private readonly TaskCompletionSource _firstConnection = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SilentServer()
    {
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/mnist/");
        _ = AcceptAsync();
    }

    public Uri BaseAddress { get; }

    /// <summary>Completes once a client has connected (its request is then waiting for an answer that never comes).</summary>
    public Task FirstConnection => _firstConnection.Task;

    public void Dispose()
    {
        _listener.Dispose();
        lock (_clients)
        {
            _clients.ForEach(client => client.Dispose());
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                // Accepted connections are kept open, unanswered, until the server is disposed.
                TcpClient client = await _listener.AcceptTcpClientAsync();
                lock (_clients)
                {
                    _clients.Add(client);
                }

                _firstConnection.TrySetResult();
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            _firstConnection.TrySetCanceled();
        }
    }
}
