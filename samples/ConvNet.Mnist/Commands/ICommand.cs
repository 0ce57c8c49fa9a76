namespace ConvNet.Mnist.Commands;

/// <summary>An option a command accepts, for parsing and for the help text.</summary>
/// <param name="Name">The name without the leading dashes.</param>
/// <param name="Value">A placeholder for the value, such as <c>N</c> or <c>FILE</c>.</param>
/// <param name="Description">What it does and its default.</param>
internal sealed record OptionHelp(string Name, string Value, string Description);

/// <summary>One command of the sample, such as <c>train</c>.</summary>
internal interface ICommand
{
    /// <summary>The word that selects the command.</summary>
    string Name { get; }

    /// <summary>One line saying what it does.</summary>
    string Summary { get; }

    /// <summary>The options it accepts.</summary>
    IReadOnlyList<OptionHelp> Options { get; }

    /// <summary>Runs the command and returns the process exit code.</summary>
    Task<int> RunAsync(CommandLine commandLine, CancellationToken cancellation);
}
