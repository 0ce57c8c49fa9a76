namespace ConvNet.Mnist.Commands;

/// <summary><c>download</c>: fetches the four MNIST files into the data folder, each checked by SHA-256.</summary>
internal sealed class DownloadCommand : ICommand
{
    public string Name => "download";

    public string Summary => "Fetch MNIST into the data folder (files already there and verified are kept).";

    public IReadOnlyList<OptionHelp> Options { get; } = [new(MnistData.FolderOption, "DIR", MnistData.FolderHelp)];

    public async Task<int> RunAsync(CommandLine commandLine, CancellationToken cancellation)
    {
        string folder = await MnistData.EnsureAsync(commandLine, cancellation).ConfigureAwait(false);
        Console.WriteLine($"MNIST is ready in {folder}");
        return 0;
    }
}
