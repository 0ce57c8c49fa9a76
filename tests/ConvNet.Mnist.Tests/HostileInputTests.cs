using System.CommandLine;
using ConvNet.Core.Models;
using ConvNet.Core.Networks;
using ConvNet.Mnist;
using ConvNet.Mnist.Commands;

namespace ConvNet.Mnist.Tests;

/// <summary>
/// Command lines that used to crash late, hang or destroy a file: every one now stops before any work with exit
/// code 2 and leaves the user's files as they were.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private static readonly RootCommand Root = SampleCommands.CreateRoot();

    private readonly string _folder = Directory.CreateTempSubdirectory("convnet-hostile-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, byte[] content)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    [Theory]
    [InlineData(new[] { "train", "--epochs", "4000000" }, "error: Option --epochs must be between 1 and 10000; got 4000000. (see --help)")]
    [InlineData(new[] { "train", "--iterations", "2147483647" }, "error: Option --iterations must be between 1 and 10000000; got 2147483647. (see --help)")]
    [InlineData(new[] { "train", "--batch-size", "60000" }, "error: Option --batch-size must be between 1 and 1000; got 60000. (see --help)")]
    [InlineData(new[] { "bench", "--batch-size", "20000" }, "error: Option --batch-size must be between 1 and 1000; got 20000. (see --help)")]
    [InlineData(new[] { "bench", "--steps", "2147483647" }, "error: Option --steps must be between 1 and 100000; got 2147483647. (see --help)")]
    public void Numbers_beyond_what_a_run_can_hold_are_parse_errors(string[] args, string errorLine)
    {
        ParseResult parse = Root.Parse(args);

        CommandRunner.ErrorLine(parse).Should().Be(errorLine);
    }

    [Fact]
    public async Task Evaluate_refuses_to_write_its_picture_over_the_model_or_another_file()
    {
        byte[] modelBytes = [1, 2, 3, 4];
        string model = Write("model.safetensors", modelBytes);
        string notes = Write("notes.txt", [5, 6]);

        (await CommandRunner.RunAsync(["evaluate", "--model", model, "--output", model])).Should().Be(CommandRunner.UsageExitCode);
        (await CommandRunner.RunAsync(["evaluate", "--model", model, "--output", notes])).Should().Be(CommandRunner.UsageExitCode);

        File.ReadAllBytes(model).Should().Equal(modelBytes);
        File.ReadAllBytes(notes).Should().Equal(5, 6);
    }

    [Theory]
    [InlineData("file")]
    [InlineData("")]
    [InlineData("/proc/convnet-output")]
    public async Task Train_checks_its_output_folder_before_training(string output)
    {
        string file = Write("file", [7]);
        string given = output == "file" ? file : output;

        // No MNIST is loaded and nothing trained: the mistake is reported first.
        (await CommandRunner.RunAsync(["train", "--output", given, "--data", Path.Combine(_folder, "no-mnist-here")])).Should().Be(CommandRunner.UsageExitCode);

        File.ReadAllBytes(file).Should().Equal(7);
        Directory.Exists(Path.Combine(_folder, "no-mnist-here")).Should().BeFalse("nothing was fetched");
    }

    [Fact]
    public async Task A_file_given_as_the_data_folder_is_a_usage_error()
    {
        string file = Write("train-images-idx3-ubyte", [8]);

        (await CommandRunner.RunAsync(["download", "--data", file])).Should().Be(CommandRunner.UsageExitCode);

        File.ReadAllBytes(file).Should().Equal(8);
    }

    [Fact]
    public async Task Evaluate_with_a_file_as_the_data_folder_names_the_option_and_the_file()
    {
        string model = Path.Combine(_folder, "model.safetensors");
        new Model(SimpleConvNet.Create(seed: 1), "digits").Save(model);
        string file = Write("t10k-images-idx3-ubyte", [9]);

        (await CommandRunner.RunAsync(["evaluate", "--model", model, "--data", file])).Should().Be(CommandRunner.UsageExitCode);

        (await FluentActions.Awaiting(() => MnistData.EnsureAsync(file, CancellationToken.None)).Should().ThrowAsync<UsageException>())
            .WithMessage($"Option --data names '{file}', which is a file; the MNIST folder is expected.");
        File.ReadAllBytes(file).Should().Equal(9);
    }

    [Fact]
    public void Output_checks_name_the_option_and_what_is_wrong()
    {
        string model = Write("model.safetensors", [1]);
        string link = Path.Combine(_folder, "link.png");
        File.CreateSymbolicLink(link, model);
        string png = Write("old.png", [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]);

        FluentActions.Invoking(() => OutputPaths.CheckPngFile(link, "--output", (model, "--model")))
            .Should().Throw<UsageException>().WithMessage($"Option --output names '{link}', the file given to --model; it would be overwritten.");
        FluentActions.Invoking(() => OutputPaths.CheckPngFile(model, "--output"))
            .Should().Throw<UsageException>().WithMessage("*exists and is not a PNG*");
        FluentActions.Invoking(() => OutputPaths.CheckPngFile(Path.Combine(_folder, "missing", "a.png"), "--output"))
            .Should().Throw<UsageException>().WithMessage("Option --output: the folder of*does not exist.");
        FluentActions.Invoking(() => OutputPaths.PrepareFolder(model, "--output"))
            .Should().Throw<UsageException>().WithMessage($"Option --output names '{model}', which is a file; a folder is expected.");
        OutputPaths.CheckPngFile(png, "--output", (model, "--model")).Should().Be(png, "an old picture may be replaced");
        Directory.EnumerateFileSystemEntries(_folder).Should().HaveCount(3, "the write checks leave nothing behind");
    }
}
