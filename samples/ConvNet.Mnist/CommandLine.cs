using System.Globalization;

namespace ConvNet.Mnist;

/// <summary>
/// The parsed command line: a command name followed by <c>--name value</c> (or <c>--name=value</c>) options.
/// Every mistake — unknown command or option, missing or malformed value, value out of range — is a
/// <see cref="UsageException"/> whose message names the option and what was expected.
/// </summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string> _values;

    private CommandLine(string command, Dictionary<string, string> values)
    {
        Command = command;
        _values = values;
    }

    /// <summary>The command name, such as <c>train</c>.</summary>
    public string Command { get; }

    /// <summary>Parses <paramref name="args"/>, accepting only the options <paramref name="allowedOptions"/> lists for the command.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args, IReadOnlyDictionary<string, IReadOnlyList<string>> allowedOptions)
    {
        if (args.Count == 0)
        {
            throw new UsageException($"No command given; choose one of: {string.Join(", ", allowedOptions.Keys)}.");
        }

        string command = args[0];
        if (!allowedOptions.TryGetValue(command, out IReadOnlyList<string>? allowed))
        {
            throw new UsageException($"Unknown command '{command}'; choose one of: {string.Join(", ", allowedOptions.Keys)}.");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 1; i < args.Count; i++)
        {
            string argument = args[i];
            if (!argument.StartsWith("--", StringComparison.Ordinal) || argument.Length == 2)
            {
                throw new UsageException($"Unexpected argument '{argument}'; options look like --name value.");
            }

            string name = argument[2..];
            string? value = null;
            int equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }

            if (!allowed.Contains(name))
            {
                string known = allowed.Count == 0 ? "it takes no options" : "its options are --" + string.Join(", --", allowed);
                throw new UsageException($"Unknown option --{name} for '{command}'; {known}.");
            }

            if (value is null)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new UsageException($"Option --{name} needs a value.");
                }

                value = args[++i];
            }

            if (!values.TryAdd(name, value))
            {
                throw new UsageException($"Option --{name} is given twice.");
            }
        }

        return new CommandLine(command, values);
    }

    /// <summary>Whether the option was given.</summary>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>The option's text, or <paramref name="defaultValue"/> when it was not given.</summary>
    public string? GetString(string name, string? defaultValue = null) =>
        _values.TryGetValue(name, out string? value) ? value : defaultValue;

    /// <summary>The option as an integer in [<paramref name="minimum"/>, <paramref name="maximum"/>].</summary>
    public int GetInt(string name, int defaultValue, int minimum = 0, int maximum = int.MaxValue)
    {
        if (!_values.TryGetValue(name, out string? text))
        {
            return defaultValue;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
        {
            throw new UsageException($"Option --{name} expects a whole number; got '{text}'.");
        }

        if (value < minimum || value > maximum)
        {
            string range = maximum == int.MaxValue ? $"at least {minimum}" : $"between {minimum} and {maximum}";
            throw new UsageException($"Option --{name} must be {range}; got {value}.");
        }

        return value;
    }

    /// <summary>The option as a finite positive number.</summary>
    public float GetPositiveFloat(string name, float defaultValue)
    {
        if (!_values.TryGetValue(name, out string? text))
        {
            return defaultValue;
        }

        if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) ||
            !float.IsFinite(value) || value <= 0f)
        {
            throw new UsageException($"Option --{name} expects a positive number such as 0.001; got '{text}'.");
        }

        return value;
    }

    /// <summary>The option as one of <paramref name="choices"/> (case-insensitive), returned in its listed spelling.</summary>
    public string GetChoice(string name, string defaultValue, IReadOnlyList<string> choices)
    {
        if (!_values.TryGetValue(name, out string? text))
        {
            return defaultValue;
        }

        return choices.FirstOrDefault(choice => string.Equals(choice, text, StringComparison.OrdinalIgnoreCase))
            ?? throw new UsageException($"Option --{name} must be one of {string.Join(", ", choices)}; got '{text}'.");
    }

    /// <summary>The option (or <paramref name="defaultPath"/>) as the path of an existing file.</summary>
    public string GetExistingFile(string name, string? defaultPath = null)
    {
        string path = GetString(name, defaultPath) ?? throw new UsageException($"Option --{name} FILE is required.");
        return File.Exists(path) ? path : throw new FileNotFoundException($"File not found for --{name}: {path}", path);
    }
}
