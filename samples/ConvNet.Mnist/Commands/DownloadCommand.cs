using System.CommandLine;

namespace ConvNet.Mnist.Commands;

/// <summary><c>download</c>: fetches the four MNIST files into the data folder, each checked by SHA-256.</summary>
internal sealed class DownloadCommand : Command
{
    private readonly Option<string?> _data = MnistData.CreateFolderOption();

    public DownloadCommand()
        : base("download", "Fetch MNIST into the data folder (files already there and verified are kept).")
    {
        Add(_data);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellation)
    {
        string folder = await MnistData.EnsureAsync(parse.GetValue(_data), cancellation).ConfigureAwait(false);
        Console.WriteLine($"MNIST is ready in {folder}");
        return 0;
    }
}
