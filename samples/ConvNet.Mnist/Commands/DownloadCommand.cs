namespace ConvNet.Mnist.Commands;

/// <summary><c>download</c>: fetches the MNIST files into the data folder (checked by SHA-256).</summary>
internal sealed class DownloadCommand : ICommand
{
    public string Name => "download";

    public string Summary => "Download MNIST into the data folder (skips files already there and verified).";

    public IReadOnlyList<OptionHelp> Options { get; } = [new("data", "DIR", "MNIST folder (default: the user cache folder)")];

    public int Run(CommandLine commandLine, CancellationToken cancellation)
    {
        Console.WriteLine("download: waiting for MnistFetcher");
        return 0;
    }
}
