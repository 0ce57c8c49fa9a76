using System.CommandLine;
using ConvNet.Core.Models;
using ConvNet.Core.Networks;
using Spectre.Console;

namespace ConvNet.Mnist.Commands;

/// <summary><c>summary</c>: prints a network's layers, output shapes, parameter counts and FLOPs, like Keras' <c>model.summary()</c>.</summary>
internal sealed class SummaryCommand : Command
{
    private readonly Option<string?> _model = SampleOptions.Path(
        "--model",
        "FILE|NAME",
        $"a model file, or a built-in network: {string.Join(", ", ModelCatalog.Names)} (default {RunFiles.DefaultModelPath})",
        alias: "-m");

    public SummaryCommand()
        : base("summary", "Print a model's layers with their output shapes, parameters and FLOPs per image.")
    {
        Add(_model);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        string model = parse.GetValue(_model) ?? RunFiles.DefaultModelPath;
        if (!File.Exists(model) && ModelCatalog.Names.Contains(model))
        {
            Console.WriteLine(ModelCatalog.Create(model, seed: 1).Summary());
            return 0;
        }

        Model loaded = Model.Load(SampleOptions.ExistingFile(model, _model.Name));
        AnsiConsole.MarkupLineInterpolated($"Model [bold]{loaded.Name}[/]{(loaded.ClassNames is { } names ? $", classes {string.Join(", ", names)}" : string.Empty)}");
        Console.WriteLine(loaded.Network.Summary());
        return 0;
    }
}
