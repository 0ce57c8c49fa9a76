using System.CommandLine;
using System.CommandLine.Invocation;
using ConvNet.Mnist.Commands;

namespace ConvNet.Mnist;

/// <summary>
/// Parses the command line with System.CommandLine and runs the chosen command. Every failure ends as one line on
/// standard error and a non-zero exit code (2 for a usage mistake, 1 otherwise, 130 when interrupted), never a
/// stack trace; <c>--help</c> and <c>--version</c> end with 0.
/// </summary>
internal static class CommandRunner
{
    /// <summary>Exit code of a command-line mistake.</summary>
    public const int UsageExitCode = 2;

    /// <summary>Exit code of any other failure.</summary>
    public const int FailureExitCode = 1;

    /// <summary>Exit code after Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int InterruptedExitCode = 130;

    /// <summary>Runs the command <paramref name="args"/> selects.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        // "help train" reads as "train --help", as it did before System.CommandLine.
        ParseResult parse = SampleCommands.CreateRoot().Parse(args is ["help", .. var rest] ? [.. rest, "--help"] : args);
        if (parse.Action is ParseErrorAction)
        {
            await Console.Error.WriteLineAsync(ErrorLine(parse)).ConfigureAwait(false);
            return UsageExitCode;
        }

        // Ctrl+C asks the command to stop at its next step (training checks between mini-batches); the handler is ours
        // rather than System.CommandLine's so that a slow step is never cut off without the "interrupted" line.
        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, eventArgs) =>
        {
            eventArgs.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            return await parse.InvokeAsync(invocation, cancellation.Token).ConfigureAwait(false);
        }
        catch (UsageException exception)
        {
            await Console.Error.WriteLineAsync($"error: {exception.Message} (see --help)").ConfigureAwait(false);
            return UsageExitCode;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("error: interrupted").ConfigureAwait(false);
            return InterruptedExitCode;
        }
#pragma warning disable CA1031 // The sample's contract: any failure is one line, never a stack trace.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            await Console.Error.WriteLineAsync($"error: {exception.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
            return FailureExitCode;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>
    /// The parse errors of <paramref name="parse"/> as one line, with System.CommandLine's typo corrections for the
    /// words it did not recognise: <c>error: Unrecognized command or argument 'tran'. Did you mean 'train'? (see --help)</c>.
    /// </summary>
    public static string ErrorLine(ParseResult parse)
    {
        string errors = string.Join(" ", parse.Errors.Select(error => error.Message.ReplaceLineEndings(" ")));
        string[] suggestions = TypoCorrections(parse);
        string hint = suggestions.Length == 0 ? "" : $" Did you mean {string.Join(" or ", suggestions.Select(word => $"'{word}'"))}?";
        return $"error: {errors}{hint} (see --help)";
    }

    /// <summary>
    /// The library's own suggestions for unrecognised words: its parse-error action prints them (to the output writer)
    /// as lines after a heading, so the action runs into a string and the lines that name a command or a long option
    /// are kept (a short alias such as <c>-e</c> is within edit distance 3 of any short word, so it suggests nothing).
    /// </summary>
    private static string[] TypoCorrections(ParseResult parse)
    {
        if (parse.UnmatchedTokens.Count == 0 || parse.Action is not ParseErrorAction errorAction)
        {
            return [];
        }

        Command command = parse.CommandResult.Command;
        var known = command.Subcommands.Select(sub => sub.Name)
            .Concat(command.Options.Select(option => option.Name).Where(name => name.StartsWith("--", StringComparison.Ordinal)))
            .ToHashSet(StringComparer.Ordinal);
        using var captured = new StringWriter();
        errorAction.ShowHelp = false;
        errorAction.ShowTypoCorrections = true;
        parse.Invoke(new InvocationConfiguration { Output = captured, Error = TextWriter.Null });
        return captured.ToString().Split('\n', StringSplitOptions.TrimEntries).Where(known.Contains).Distinct().ToArray();
    }
}
