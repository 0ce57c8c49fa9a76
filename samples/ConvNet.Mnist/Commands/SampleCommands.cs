using System.CommandLine;
using System.CommandLine.Help;

namespace ConvNet.Mnist.Commands;

/// <summary>The one place that lists the sample's commands: a new command is one file in this folder and one line here.</summary>
internal static class SampleCommands
{
    /// <summary>The root command (with <c>--help</c> and <c>--version</c>) holding every command, in the order the help lists them.</summary>
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("Train, evaluate and run convolutional networks on MNIST, Fashion-MNIST or your own pictures with ConvNet.Core.")
        {
            new DownloadCommand(),
            new TrainCommand(),
            new EvaluateCommand(),
            new PredictCommand(),
            new SummaryCommand(),
            new ExportCommand(),
            new BenchCommand(),
        };

        // No command: show what there is, and fail (a script that forgot its command should not pass).
        root.SetAction(parse =>
        {
            new HelpAction().Invoke(parse);
            return CommandRunner.UsageExitCode;
        });
        return root;
    }
}
