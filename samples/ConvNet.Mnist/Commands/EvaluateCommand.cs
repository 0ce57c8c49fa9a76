using System.CommandLine;
using ConvNet.Core.Data;
using ConvNet.Core.Models;
using ConvNet.Core.Training;
using ConvNet.Datasets;
using Spectre.Console;

namespace ConvNet.Mnist.Commands;

/// <summary><c>evaluate</c>: test accuracy, confusion matrix and a PNG grid of the misclassified digits of a saved model.</summary>
internal sealed class EvaluateCommand : Command
{
    /// <summary>The grid shows at most this many misclassified digits.</summary>
    private const int MaxGridDigits = 100;

    private readonly Option<string?> _model = SampleOptions.Path(
        "--model", "FILE", $"the model to evaluate (default {RunFiles.DefaultModelPath})", alias: "-m");
    private readonly Option<int?> _testSize = SampleOptions.WholeNumber(
        "--test-size", "N", "use the first N test images (default all 10000)", minimum: 1);
    private readonly Option<string?> _output = SampleOptions.Path(
        "--output", "FILE", $"where to write the misclassified-digit grid (default {RunFiles.MisclassifiedFileName} beside the model)", alias: "-o");
    private readonly Option<string?> _data = MnistData.CreateFolderOption();

    public EvaluateCommand()
        : base("evaluate", "Score a saved model on the MNIST test set: accuracy, confusion matrix, misclassified digits.")
    {
        Add(_model);
        Add(_testSize);
        Add(_output);
        Add(_data);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellation)
    {
        string modelPath = SampleOptions.ExistingFile(parse.GetValue(_model) ?? RunFiles.DefaultModelPath, _model.Name);
        string gridPath = OutputPaths.CheckPngFile(
            parse.GetValue(_output) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, RunFiles.MisclassifiedFileName),
            _output.Name,
            (modelPath, _model.Name));
        Model model = Model.Load(modelPath);
        MnistDataset mnist = await MnistData.LoadAsync(parse.GetValue(_data), cancellation).ConfigureAwait(false);
        LabeledDataset test = MnistData.TakeFirst(mnist.Test, parse.GetValue(_testSize), _testSize.Name);

        TestScore score = TestScore.Of(model.Network, test);
        var confusion = new ConfusionMatrix(MnistDataset.ClassCount);
        for (int i = 0; i < test.Count; i++)
        {
            confusion.Add(test.Labels[i], score.Predictions[i]);
        }

        AnsiConsole.Write(ConfusionTable(confusion));
        List<GridTile> misclassified = Misclassified(test, score.Predictions);
        int shown = Math.Min(misclassified.Count, MaxGridDigits);
        string title = $"Misclassified test digits, true → predicted (first {shown} of {misclassified.Count})";
        DigitGrid.Save(gridPath, title, misclassified.Take(shown).ToList());
        AnsiConsole.MarkupLineInterpolated($"{misclassified.Count} misclassified; the first {shown} are in [bold]{gridPath}[/].");
        Console.WriteLine(score.Summary);
        return 0;
    }

    private static Table ConfusionTable(ConfusionMatrix confusion)
    {
        var table = new Table().Title("Confusion matrix (rows: true digit, columns: predicted)").AddColumn("true");
        for (int predicted = 0; predicted < confusion.ClassCount; predicted++)
        {
            table.AddColumn(new TableColumn(predicted.ToString(System.Globalization.CultureInfo.InvariantCulture)).RightAligned().PadRight(0));
        }

        table.AddColumn(new TableColumn("recall").RightAligned().PadRight(0));
        for (int actual = 0; actual < confusion.ClassCount; actual++)
        {
            var cells = new List<Markup> { new($"[bold]{actual}[/]") };
            for (int predicted = 0; predicted < confusion.ClassCount; predicted++)
            {
                int count = confusion[actual, predicted];
                string style = predicted == actual ? "green" : count > 0 ? "red" : "grey";
                cells.Add(new Markup($"[{style}]{count}[/]"));
            }

            cells.Add(new Markup($"{100 * confusion.ClassAccuracy(actual):0.0}%"));
            table.AddRow(cells);
        }

        return table;
    }

    private static List<GridTile> Misclassified(LabeledDataset test, int[] predictions)
    {
        var tiles = new List<GridTile>();
        for (int i = 0; i < test.Count; i++)
        {
            if (predictions[i] != test.Labels[i])
            {
                tiles.Add(new GridTile(test.Inputs.SliceBatch(i, 1).ToArray(), $"{test.Labels[i]} → {predictions[i]}"));
            }
        }

        return tiles;
    }
}
