using ConvNet.Mnist;

namespace ConvNet.Mnist.Tests;

public sealed class CommandLineTests
{
    private static readonly Dictionary<string, IReadOnlyList<string>> Commands = new()
    {
        ["train"] = ["epochs", "lr", "optimizer", "output"],
        ["download"] = [],
    };

    [Fact]
    public void Parse_SpaceAndEqualsForms_GiveTypedValues()
    {
        CommandLine line = CommandLine.Parse(["train", "--epochs", "3", "--lr=0.01", "--optimizer", "SGD"], Commands);

        line.Command.Should().Be("train");
        line.GetInt("epochs", 5, minimum: 1).Should().Be(3);
        line.GetPositiveFloat("lr", 0.001f).Should().Be(0.01f);
        line.GetChoice("optimizer", "adam", ["sgd", "adam"]).Should().Be("sgd");
        line.GetString("output", "model.safetensors").Should().Be("model.safetensors");
        line.Has("output").Should().BeFalse();
    }

    [Theory]
    [InlineData(new[] { "fly" }, "Unknown command 'fly'; choose one of: train, download.")]
    [InlineData(new[] { "train", "--epoch", "3" }, "Unknown option --epoch for 'train'; its options are --epochs, --lr, --optimizer, --output.")]
    [InlineData(new[] { "download", "--epochs", "3" }, "Unknown option --epochs for 'download'; it takes no options.")]
    [InlineData(new[] { "train", "--epochs" }, "Option --epochs needs a value.")]
    [InlineData(new[] { "train", "--epochs", "--lr", "1" }, "Option --epochs needs a value.")]
    [InlineData(new[] { "train", "3" }, "Unexpected argument '3'; options look like --name value.")]
    [InlineData(new[] { "train", "--lr", "1", "--lr", "2" }, "Option --lr is given twice.")]
    public void Parse_Mistakes_ThrowUsageExceptionSayingWhatIsWrong(string[] args, string message)
    {
        Action parse = () => CommandLine.Parse(args, Commands);

        parse.Should().Throw<UsageException>().Which.Message.Should().Be(message);
    }

    [Theory]
    [InlineData("--epochs", "three", "Option --epochs expects a whole number; got 'three'.")]
    [InlineData("--epochs", "0", "Option --epochs must be at least 1; got 0.")]
    [InlineData("--lr", "-0.1", "Option --lr expects a positive number such as 0.001; got '-0.1'.")]
    [InlineData("--lr", "NaN", "Option --lr expects a positive number such as 0.001; got 'NaN'.")]
    [InlineData("--optimizer", "lbfgs", "Option --optimizer must be one of sgd, adam; got 'lbfgs'.")]
    public void TypedGetters_BadValues_ThrowNamingOptionAndValue(string option, string value, string message)
    {
        CommandLine line = CommandLine.Parse(["train", option, value], Commands);

        Action read = option switch
        {
            "--epochs" => () => line.GetInt("epochs", 5, minimum: 1),
            "--lr" => () => line.GetPositiveFloat("lr", 0.001f),
            _ => () => line.GetChoice("optimizer", "adam", ["sgd", "adam"]),
        };

        read.Should().Throw<UsageException>().Which.Message.Should().Be(message);
    }

    [Fact]
    public void GetExistingFile_MissingFile_ThrowsFileNotFoundWithPath()
    {
        CommandLine line = CommandLine.Parse(["train", "--output", "/nonexistent/model.safetensors"], Commands);

        Action read = () => line.GetExistingFile("output");

        read.Should().Throw<FileNotFoundException>().WithMessage("*--output*/nonexistent/model.safetensors*");
    }
}
