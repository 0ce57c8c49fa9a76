using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace ConvNet.Mnist;

/// <summary>
/// The sample's typed options. Each parses and checks its own value, so a mistake is a parse error that names the
/// option and what was expected (<see cref="CommandRunner"/> prints it as one line, exit code 2). An option that
/// was not given reads as <see langword="null"/>: the command picks the default, which may depend on other options.
/// </summary>
internal static class SampleOptions
{
    /// <summary>A whole number in [<paramref name="minimum"/>, <paramref name="maximum"/>].</summary>
    public static Option<int?> WholeNumber(
        string name, string valueName, string description, int minimum = 0, int maximum = int.MaxValue, string? alias = null) =>
        Create<int?>(name, valueName, description, alias, result =>
        {
            string text = result.Tokens[0].Value;
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            {
                result.AddError($"Option {name} expects a whole number; got '{text}'.");
                return null;
            }

            if (value < minimum || value > maximum)
            {
                string range = maximum == int.MaxValue ? $"at least {minimum}" : $"between {minimum} and {maximum}";
                result.AddError($"Option {name} must be {range}; got {value}.");
                return null;
            }

            return value;
        });

    /// <summary>A finite positive number such as a learning rate.</summary>
    public static Option<float?> PositiveNumber(string name, string valueName, string description, string? alias = null) =>
        Create<float?>(name, valueName, description, alias, result =>
        {
            string text = result.Tokens[0].Value;
            if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) ||
                !float.IsFinite(value) || value <= 0f)
            {
                result.AddError($"Option {name} expects a positive number such as 0.001; got '{text}'.");
                return null;
            }

            return value;
        });

    /// <summary>One of <paramref name="choices"/>, matched ignoring case and returned in its listed spelling.</summary>
    public static Option<string?> Choice(string name, IReadOnlyList<string> choices, string description, string? alias = null)
    {
        Option<string?> option = Create(name, string.Join('|', choices), description, alias, result =>
        {
            string text = result.Tokens[0].Value;
            string? choice = choices.FirstOrDefault(choice => string.Equals(choice, text, StringComparison.OrdinalIgnoreCase));
            if (choice is null)
            {
                result.AddError($"Option {name} must be one of {string.Join(", ", choices)}; got '{text}'.");
            }

            return choice;
        });
        option.CompletionSources.Add([.. choices]);
        return option;
    }

    /// <summary>A file or folder path; whether it must exist is the command's business (a missing file is exit code 1).</summary>
    public static Option<string?> Path(string name, string valueName, string description, string? alias = null) =>
        Create<string?>(name, valueName, description, alias, result => result.Tokens[0].Value);

    /// <summary><paramref name="path"/> when that file exists; otherwise a <see cref="FileNotFoundException"/> naming the option.</summary>
    public static string ExistingFile(string path, string optionName) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"File not found for {optionName}: {path}", path);

    private static Option<T> Create<T>(string name, string valueName, string description, string? alias, Func<ArgumentResult, T> parse) =>
        new(name, alias is null ? [] : [alias])
        {
            HelpName = valueName,
            Description = description,
            Arity = ArgumentArity.ExactlyOne,
            CustomParser = parse,
        };
}
