using System.Globalization;
using ConvNet.Core.Training;
using Spectre.Console;

namespace ConvNet.Mnist;

/// <summary>Draws a confusion matrix as a table: rows the true class, columns the predicted one, and each class's recall.</summary>
internal static class ConfusionTable
{
    /// <summary>The table, classes named by <paramref name="labels"/> (row headers in full, column headers cut to 8 characters).</summary>
    public static Table Create(ConfusionMatrix confusion, IReadOnlyList<string> labels)
    {
        var table = new Table().Title("Confusion matrix (rows: true class, columns: predicted)").AddColumn("true");
        for (int predicted = 0; predicted < confusion.ClassCount; predicted++)
        {
            string header = labels[predicted].Length > 8 ? labels[predicted][..8] : labels[predicted];
            table.AddColumn(new TableColumn(Markup.Escape(header)).RightAligned().PadRight(0));
        }

        table.AddColumn(new TableColumn("recall").RightAligned().PadRight(0));
        for (int actual = 0; actual < confusion.ClassCount; actual++)
        {
            var cells = new List<Markup> { new($"[bold]{Markup.Escape(labels[actual])}[/]") };
            for (int predicted = 0; predicted < confusion.ClassCount; predicted++)
            {
                int count = confusion[actual, predicted];
                string style = predicted == actual ? "green" : count > 0 ? "red" : "grey";
                cells.Add(new Markup($"[{style}]{count.ToString(CultureInfo.InvariantCulture)}[/]"));
            }

            cells.Add(new Markup(string.Create(CultureInfo.InvariantCulture, $"{100 * confusion.ClassAccuracy(actual):0.0}%")));
            table.AddRow(cells);
        }

        return table;
    }
}
