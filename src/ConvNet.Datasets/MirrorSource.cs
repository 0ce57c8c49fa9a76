using System.IO.Compression;
using System.Net;

namespace ConvNet.Datasets;

/// <summary>
/// Downloads gzip-compressed files from HTTP mirrors into the cache folder, decompressing and verifying each
/// (the mirrors serve <c>NAME.gz</c>; the hash is that of the uncompressed content).
/// </summary>
internal sealed class MirrorSource : IDisposable
{
    private readonly HttpClient _client;
    private readonly TimeSpan _connectTimeout;
    private readonly TimeSpan _downloadTimeout;
    private readonly TimeProvider _timeProvider;

    /// <summary>
    /// Creates a source whose connections give up after <paramref name="connectTimeout"/> (the handler's own wall
    /// clock) and whose downloads give up after <paramref name="downloadTimeout"/> on <paramref name="timeProvider"/>.
    /// </summary>
    internal MirrorSource(TimeSpan connectTimeout, TimeSpan downloadTimeout, TimeProvider timeProvider)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = connectTimeout,
            AutomaticDecompression = DecompressionMethods.None,
        };
        _client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("ConvNet-MnistFetcher/1.0");
        _connectTimeout = connectTimeout;
        _downloadTimeout = downloadTimeout;
        _timeProvider = timeProvider;
    }

    /// <summary>Fetches <c>mirror/NAME.gz</c> and stores its verified, decompressed content as <c>folder/NAME</c>.</summary>
    /// <exception cref="HttpRequestException">The mirror cannot be reached or answers with an error status.</exception>
    /// <exception cref="TimeoutException">No connection within the connect timeout, or the download took longer than the download timeout.</exception>
    /// <exception cref="IOException">The transfer broke off.</exception>
    /// <exception cref="InvalidDataException">The content is corrupt or its hash is wrong.</exception>
    internal async Task DownloadAsync(Uri mirror, string folder, ExpectedFile file, CancellationToken cancellationToken)
    {
        var address = new Uri(mirror, file.Name + ".gz");
        using var deadline = new CancellationTokenSource(_downloadTimeout, _timeProvider);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            using var response = await _client.GetAsync(address, HttpCompletionOption.ResponseHeadersRead, timeout.Token)
                .ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                // Decompressed as it arrives: no scratch copy of the compressed file is ever stored.
                var content = new GZipStream(body, CompressionMode.Decompress);
                await using (content.ConfigureAwait(false))
                {
                    await VerifiedFileWriter.WriteAsync(content, folder, file, timeout.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The handler reports its connect timeout as a cancellation wrapping a TimeoutException.
            throw exception.InnerException is TimeoutException
                ? new TimeoutException($"no connection within {_connectTimeout.TotalSeconds:0.#} s.", exception)
                : new TimeoutException($"no complete answer within {_downloadTimeout.TotalSeconds:0.#} s.", exception);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}
