using ConvNet.Mnist.Commands;
using Spectre.Console;

namespace ConvNet.Mnist;

/// <summary>
/// Picks the command, parses its options and runs it. Every failure ends as one line on standard error and a
/// non-zero exit code (2 for a usage mistake, 1 otherwise, 130 when interrupted), never a stack trace.
/// </summary>
internal static class CommandRunner
{
    /// <summary>Runs the command <paramref name="args"/> selects.</summary>
    public static async Task<int> RunAsync(string[] args, IReadOnlyList<ICommand> commands)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            PrintHelp(commands, args.Length > 1 ? args[1] : null);
            return args.Length == 0 ? 2 : 0;
        }

        if (args.Contains("--help") || args.Contains("-h"))
        {
            PrintHelp(commands, args[0]);
            return 0;
        }

        // Ctrl+C asks the command to stop at its next step (training checks between mini-batches).
        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, eventArgs) =>
        {
            eventArgs.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;

        try
        {
            var allowed = commands.ToDictionary(
                command => command.Name, command => (IReadOnlyList<string>)command.Options.Select(option => option.Name).ToList());
            CommandLine commandLine = CommandLine.Parse(args, allowed);
            ICommand selected = commands.Single(command => command.Name == commandLine.Command);
            return await selected.RunAsync(commandLine, cancellation.Token).ConfigureAwait(false);
        }
        catch (UsageException exception)
        {
            Console.Error.WriteLine($"error: {exception.Message} (see --help)");
            return 2;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("error: interrupted");
            return 130;
        }
#pragma warning disable CA1031 // The sample's contract: any failure is one line, never a stack trace.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Console.Error.WriteLine($"error: {OneLine(exception.Message)}");
            return 1;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");

    private static void PrintHelp(IReadOnlyList<ICommand> commands, string? commandName)
    {
        ICommand? selected = commands.FirstOrDefault(command => command.Name == commandName);
        var table = new Table().Border(TableBorder.None).HideHeaders().AddColumn("").AddColumn("");
        if (selected is null)
        {
            AnsiConsole.MarkupLine("Usage: [bold]ConvNet.Mnist COMMAND [[--option value ...]][/]   (COMMAND --help for its options)");
            foreach (ICommand command in commands)
            {
                table.AddRow(new Text(command.Name), new Text(command.Summary));
            }
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"Usage: [bold]ConvNet.Mnist {selected.Name} [[--option value ...]][/]: {selected.Summary}");
            foreach (OptionHelp option in selected.Options)
            {
                table.AddRow(new Text($"--{option.Name} {option.Value}"), new Text(option.Description));
            }
        }

        AnsiConsole.Write(table);
    }
}
