namespace ConvNet.Web.Tests;

/// <summary>The <c>loadtest</c> command line: defaults, values, and every mistake named.</summary>
public sealed class LoadTestOptionsTests
{
    [Fact]
    public void Parse_Nothing_GivesTheDefaults()
    {
        LoadTestOptions.Parse([]).Should().Be(new LoadTestOptions(Requests: 20_000, Concurrency: 32, MaxSeconds: 300, ModelPath: null));
    }

    [Fact]
    public void Parse_EveryOption_TakesItsValue()
    {
        LoadTestOptions options = LoadTestOptions.Parse(["--requests", "500", "--concurrency", "4", "--max-seconds", "20", "--model", "m.safetensors"]);

        options.Should().Be(new LoadTestOptions(500, 4, 20, "m.safetensors"));
    }

    [Theory]
    [InlineData("--url", "http://example.org", "Unknown option '--url'")]
    [InlineData("--requests", "0", "--requests takes a whole number from 1 to 1000000; got '0'")]
    [InlineData("--requests", "2000000", "--requests takes a whole number from 1 to 1000000")]
    [InlineData("--concurrency", "many", "--concurrency takes a whole number from 1 to 256; got 'many'")]
    [InlineData("--max-seconds", "-5", "--max-seconds takes a whole number from 1 to 3600")]
    public void Parse_Mistake_ThrowsNamingTheOption(string option, string value, string expected)
    {
        Action parse = () => LoadTestOptions.Parse([option, value]);

        parse.Should().Throw<ArgumentException>().WithMessage($"*{expected}*");
    }

    [Fact]
    public void Parse_OptionWithoutValue_ThrowsNamingIt()
    {
        Action parse = () => LoadTestOptions.Parse(["--requests"]);

        parse.Should().Throw<ArgumentException>().WithMessage("Option --requests needs a value.");
    }
}
