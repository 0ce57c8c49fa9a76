using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace ConvNet.Web;

/// <summary>
/// <c>loadtest</c>: starts this app as a second process listening on 127.0.0.1 only, sends it a bounded number of
/// predictions from concurrent clients — each the PNG of a drawn 7, as the page sends — and prints one JSON line:
/// requests per second, p50/p99 latency, errors, answers that differ from the first one, and the server's memory
/// (working set) after the warm-up, at its peak and at the end. It stops the server and itself when done.
/// </summary>
internal static class LoadTest
{
    private const int WarmupRequests = 1_000;

    private static readonly TimeSpan StartupLimit = TimeSpan.FromMinutes(5);   // room for the quick model on a first run

    /// <summary>Runs the load test; exit code 0 when every request got the same successful answer.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        LoadTestOptions options;
        try
        {
            options = LoadTestOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 2;
        }

        int port = FreeLoopbackPort();
        using Process server = StartServer(port, options.ModelPath);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
            await WaitUntilHealthyAsync(client, server).ConfigureAwait(false);

            byte[] seven = DigitDrawing.Seven();
            byte[] expected = await PostAsync(client, seven).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The server did not answer the first prediction with 200.");
            var deadline = TimeSpan.FromSeconds(options.MaxSeconds);
            await FireAsync(client, seven, expected, Math.Min(WarmupRequests, options.Requests), options.Concurrency, deadline, server).ConfigureAwait(false);

            long before = WorkingSet(server);
            Outcome run = await FireAsync(client, seven, expected, options.Requests, options.Concurrency, deadline, server).ConfigureAwait(false);
            long after = WorkingSet(server);

            Console.WriteLine(JsonSerializer.Serialize(new
            {
                requests = run.Latencies.Length,
                concurrency = options.Concurrency,
                seconds = Math.Round(run.Seconds, 2),
                requests_per_s = Math.Round(run.Latencies.Length / run.Seconds, 1),
                p50_ms = Math.Round(Percentile(run.Latencies, 0.50), 2),
                p99_ms = Math.Round(Percentile(run.Latencies, 0.99), 2),
                errors = run.Errors,
                mismatches = run.Mismatches,
                server_memory_mb_before = Megabytes(before),
                server_memory_mb_peak = Megabytes(run.PeakWorkingSet),
                server_memory_mb_after = Megabytes(after),
            }));
            return run.Errors == 0 && run.Mismatches == 0 && run.Latencies.Length == options.Requests ? 0 : 1;
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    private sealed record Outcome(double[] Latencies, int Errors, int Mismatches, double Seconds, long PeakWorkingSet);

    /// <summary>Sends <paramref name="count"/> predictions from <paramref name="concurrency"/> clients, or fewer if the deadline passes first.</summary>
    private static async Task<Outcome> FireAsync(
        HttpClient client, byte[] png, byte[] expected, int count, int concurrency, TimeSpan deadline, Process server)
    {
        var latencies = new double[count];
        int next = -1, errors = 0, mismatches = 0;
        long peak = WorkingSet(server);
        var clock = Stopwatch.StartNew();

        async Task SendUntilDone()
        {
            int i;
            while (clock.Elapsed < deadline && (i = Interlocked.Increment(ref next)) < count)
            {
                long start = Stopwatch.GetTimestamp();
                byte[]? answer = await PostAsync(client, png).ConfigureAwait(false);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (answer is null)
                {
                    Interlocked.Increment(ref errors);
                }
                else if (!answer.AsSpan().SequenceEqual(expected))
                {
                    Interlocked.Increment(ref mismatches);
                }
            }
        }

        Task clients = Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(SendUntilDone)));
        while (await Task.WhenAny(clients, Task.Delay(250)).ConfigureAwait(false) != clients)
        {
            peak = Math.Max(peak, WorkingSet(server));
        }

        await clients.ConfigureAwait(false);
        double seconds = clock.Elapsed.TotalSeconds;
        return new Outcome(latencies[..Math.Min(next + 1, count)], errors, mismatches, seconds, Math.Max(peak, WorkingSet(server)));
    }

    /// <summary>The answer's bytes, or null for anything but 200 (a refused or failed connection included).</summary>
    private static async Task<byte[]?> PostAsync(HttpClient client, byte[] png)
    {
        using var content = new ByteArrayContent(png);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        try
        {
            using HttpResponseMessage response = await client.PostAsync(new Uri("api/predict", UriKind.Relative), content).ConfigureAwait(false);
            byte[] body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.OK ? body : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Starts this same program as the server, on 127.0.0.1 only, its output passed through to standard error.</summary>
    private static Process StartServer(int port, string? modelPath)
    {
        string program = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell which program is running.");
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(program).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(LoadTest).Assembly.Location);   // started as `dotnet ConvNet.Web.dll`
        }

        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        if (modelPath is not null)
        {
            start.ArgumentList.Add("--model");
            start.ArgumentList.Add(modelPath);
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";   // a log line per request would measure the console
        start.Environment["Logging__LogLevel__ConvNet.Web"] = "Information";   // but say which model it serves
        Process server = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start '{program}'.");
        server.OutputDataReceived += (_, line) => PassThrough(line.Data);
        server.ErrorDataReceived += (_, line) => PassThrough(line.Data);
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        return server;
    }

    private static void PassThrough(string? line)
    {
        if (line is not null)
        {
            Console.Error.WriteLine($"server: {line}");
        }
    }

    private static async Task WaitUntilHealthyAsync(HttpClient client, Process server)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartupLimit)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"The server stopped during start-up with exit code {server.ExitCode}.");
            }

            try
            {
                using HttpResponseMessage health = await client.GetAsync(new Uri("healthz", UriKind.Relative)).ConfigureAwait(false);
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(250).ConfigureAwait(false);
        }

        throw new TimeoutException($"The server was not healthy after {StartupLimit.TotalSeconds} s.");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static long WorkingSet(Process server)
    {
        server.Refresh();
        return server.HasExited ? 0 : server.WorkingSet64;
    }

    private static double Megabytes(long bytes) => Math.Round(bytes / (1024.0 * 1024.0), 1);

    private static double Percentile(double[] values, double fraction)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }

        double[] sorted = [.. values];
        Array.Sort(sorted);
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
    }
}
