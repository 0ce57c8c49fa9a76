using ConvNet.Core.Serialization;
using ScottPlot;

namespace ConvNet.Mnist;

/// <summary>The seed's learning-curve chart: train and test (or validation) accuracy per epoch, accuracy axis 0 to 1, legend lower right.</summary>
internal static class LearningCurveChart
{
    /// <summary>Writes the chart as a PNG.</summary>
    public static void Save(string path, string title, IReadOnlyList<double> trainAccuracy, IReadOnlyList<double> testAccuracy, string testName = "test")
    {
        double[] epochs = Enumerable.Range(1, trainAccuracy.Count).Select(epoch => (double)epoch).ToArray();
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        plot.Title(title);
        plot.XLabel("epochs");
        plot.YLabel("accuracy");

        var train = plot.Add.Scatter(epochs, trainAccuracy.ToArray());
        train.LegendText = "train";
        train.MarkerShape = MarkerShape.FilledCircle;
        var test = plot.Add.Scatter(epochs, testAccuracy.ToArray());
        test.LegendText = testName;
        test.MarkerShape = MarkerShape.FilledSquare;
        test.LinePattern = LinePattern.Dashed;

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.SetLimitsX(0.5, Math.Max(epochs.Length, 1) + 0.5);
        plot.Axes.SetLimitsY(0, 1.0);
        plot.ShowLegend(Alignment.LowerRight);
        using ScottPlot.Image image = plot.GetImage(640, 480);
        byte[] png = image.GetImageBytes(ImageFormat.Png, 100);
        AtomicFile.Write(path, stream => stream.Write(png));
    }
}
