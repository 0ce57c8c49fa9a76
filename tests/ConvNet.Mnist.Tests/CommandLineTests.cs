using System.CommandLine;
using System.Text.RegularExpressions;
using ConvNet.Mnist;
using ConvNet.Mnist.Commands;

namespace ConvNet.Mnist.Tests;

/// <summary>The sample's command line as System.CommandLine parses it: values, aliases, and the one-line errors.</summary>
public sealed partial class CommandLineTests
{
    private static readonly RootCommand Root = SampleCommands.CreateRoot();

    [Fact]
    public void Parse_SpaceEqualsAndAliasForms_GiveTypedValues()
    {
        ParseResult parse = Root.Parse(["train", "-e", "3", "--lr=0.01", "--optimizer", "SGD", "-m", "deep"]);

        parse.Errors.Should().BeEmpty();
        parse.CommandResult.Command.Name.Should().Be("train");
        parse.GetValue<int?>("--epochs").Should().Be(3);
        parse.GetValue<float?>("--lr").Should().Be(0.01f);
        parse.GetValue<string?>("--optimizer").Should().Be("sgd", "a choice is returned in its listed spelling");
        parse.GetValue<string?>("--model").Should().Be("deep");
        parse.GetValue<string?>("--output").Should().BeNull("an option not given leaves the default to the command");
    }

    [Theory]
    [InlineData(new[] { "fly" }, "error: Unrecognized command or argument 'fly'. (see --help)")]
    [InlineData(new[] { "tran" }, "error: Unrecognized command or argument 'tran'. Did you mean 'train'? (see --help)")]
    [InlineData(new[] { "train", "--epoch", "3" },
        "error: Unrecognized command or argument '--epoch'. Unrecognized command or argument '3'. Did you mean '--epochs'? (see --help)")]
    [InlineData(new[] { "train", "3" }, "error: Unrecognized command or argument '3'. (see --help)")]
    [InlineData(new[] { "train", "--epochs" }, "error: Required argument missing for option: '--epochs'. (see --help)")]
    [InlineData(new[] { "train", "--lr", "1", "--lr", "2" }, "error: Option '--lr' expects a single argument but 2 were provided. (see --help)")]
    [InlineData(new[] { "train", "--epochs", "three" }, "error: Option --epochs expects a whole number; got 'three'. (see --help)")]
    [InlineData(new[] { "train", "-e", "0" }, "error: Option --epochs must be between 1 and 10000; got 0. (see --help)")]
    [InlineData(new[] { "train", "--lr", "-0.1" }, "error: Option --lr expects a positive number such as 0.001; got '-0.1'. (see --help)")]
    [InlineData(new[] { "train", "--lr", "NaN" }, "error: Option --lr expects a positive number such as 0.001; got 'NaN'. (see --help)")]
    [InlineData(new[] { "train", "--schedule", "linear" }, "error: Option --schedule must be one of cosine, one-cycle, constant; got 'linear'. (see --help)")]
    [InlineData(new[] { "predict", "--test-index", "10000" }, "error: Option --test-index must be between 0 and 9999; got 10000. (see --help)")]
    [InlineData(new[] { "predict" }, "error: Give either --image FILE or --test-index I. (see --help)")]
    [InlineData(new[] { "predict", "--image", "a.png", "--test-index", "3" }, "error: Give either --image FILE or --test-index I. (see --help)")]
    [InlineData(new[] { "bench", "--steps", "0" }, "error: Option --steps must be between 1 and 100000; got 0. (see --help)")]
    public void Parse_Mistakes_ReportOneLineNamingWhatIsWrong(string[] args, string errorLine)
    {
        ParseResult parse = Root.Parse(args);

        parse.Errors.Should().NotBeEmpty();
        CommandRunner.ErrorLine(parse).Should().Be(errorLine);
    }

    [Fact]
    public void ReadmeCommands_AllParse()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        string[] documented = SampleRunLine().Matches(readme).Select(match => match.Groups["args"].Value.Trim())
            .Where(line => !line.StartsWith("COMMAND", StringComparison.Ordinal))
            .ToArray();
        documented.Should().Contain(["train", "bench"], "the README's quick start trains and its performance section benches");

        string[] fromTable = ["train --model deep --seed 2", "train --model best", "evaluate", "predict --image digit.png", "predict --test-index 7", "download"];
        foreach (string line in documented.Concat(fromTable))
        {
            Root.Parse(line).Errors.Should().BeEmpty("README documents `{0}`", line);
        }
    }

    [Fact]
    public async Task HelpAndVersion_ExitWithZero_NoCommandExitsWithUsageCode()
    {
        (await CommandRunner.RunAsync(["--version"])).Should().Be(0);
        (await CommandRunner.RunAsync(["train", "--help"])).Should().Be(0);
        (await CommandRunner.RunAsync(["help", "predict"])).Should().Be(0);
        (await CommandRunner.RunAsync([])).Should().Be(CommandRunner.UsageExitCode);
        (await CommandRunner.RunAsync(["tran"])).Should().Be(CommandRunner.UsageExitCode);
    }

    [Fact]
    public void ExistingFile_MissingFile_ThrowsFileNotFoundNamingOptionAndPath()
    {
        Action read = () => SampleOptions.ExistingFile("/nonexistent/model.safetensors", "--model");

        read.Should().Throw<FileNotFoundException>().WithMessage("*--model*/nonexistent/model.safetensors*");
    }

    /// <summary>The arguments after <c>--</c> of each <c>dotnet run --project samples/ConvNet.Mnist ... -- ARGS</c> line.</summary>
    [GeneratedRegex(@"dotnet run --project samples/ConvNet\.Mnist -c Release -- (?<args>[^`\n]+)")]
    private static partial Regex SampleRunLine();

    private static string RepositoryRoot()
    {
        DirectoryInfo? folder = new(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "ConvNet.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new DirectoryNotFoundException($"No ConvNet.sln above {AppContext.BaseDirectory}");
    }
}
