// Scores models on folders of digit pictures laid out DIR/<digit>/<name>.(png|jpg), as generate.py writes them:
//   dotnet run --project tools/photo-digits/Score -c Release -- --model M.safetensors [--model ...] DIR [DIR ...] [--steps OUT]
// Prints the accuracy per model and folder, split by the conditions in DIR/manifest.csv; with --steps, writes the
// preprocessing stages of every misread picture of the first model to OUT.
using System.Globalization;
using ConvNet.Core.Models;
using ConvNet.Core.Tensors;
using ConvNet.Core.Training;
using ConvNet.Datasets;
using ConvNet.Mnist;

var models = new List<string>();
var folders = new List<string>();
string? stepsFolder = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--model": models.Add(args[++i]); break;
        case "--steps": stepsFolder = args[++i]; break;
        default: folders.Add(args[i]); break;
    }
}

if ((models.Count == 0 && stepsFolder is null) || folders.Count == 0)
{
    Console.Error.WriteLine("usage: [--model FILE ...] DIR [DIR ...] [--steps OUT] (without a model: the stages of every picture)");
    return 2;
}

foreach (string folder in folders)
{
    // Preprocess once per picture; every model reads the same 28×28 images.
    var pictures = new List<(string File, int Label, MnistPreprocessingSteps Steps)>();
    foreach (string file in Directory.EnumerateFiles(folder, "*.*", SearchOption.AllDirectories).Where(f => f.EndsWith(".png", StringComparison.Ordinal) || f.EndsWith(".jpg", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
    {
        int label = int.Parse(Path.GetFileName(Path.GetDirectoryName(file))!, CultureInfo.InvariantCulture);
        (float[] luminance, int width, int height) = ImageFile.ReadGrayscale(file);
        pictures.Add((file, label, MnistImagePreprocessor.ToMnistWithSteps(luminance, width, height)));
    }

    if (models.Count == 0)
    {
        Directory.CreateDirectory(stepsFolder!);
        foreach ((string file, _, MnistPreprocessingSteps steps) in pictures)
        {
            string name = Relative(folder, file);
            StepsStrip.Save(Path.Combine(stepsFolder!, Path.ChangeExtension(name.Replace('/', '-'), ".png")), steps, steps.DigitFound ? name : $"{name}: no digit found");
        }
    }

    Dictionary<string, Dictionary<string, string>> manifest = ReadManifest(Path.Combine(folder, "manifest.csv"));
    foreach (string model in models)
    {
        ConvNet.Core.Networks.INetwork network = Model.Load(model).Network;
        var found = pictures.Where(p => p.Steps.DigitFound).ToList();
        var batch = new FloatTensor(Math.Max(1, found.Count), 1, MnistImagePreprocessor.ImageSize, MnistImagePreprocessor.ImageSize);
        int imageLength = MnistImagePreprocessor.ImageSize * MnistImagePreprocessor.ImageSize;
        for (int i = 0; i < found.Count; i++)
        {
            found[i].Steps.Result!.ReadOnlySpan.CopyTo(batch.Span.Slice(i * imageLength, imageLength));
        }

        int[] classes = Evaluation.PredictClasses(network, batch);
        var predictions = found.Select((p, i) => (p.File, classes[i])).ToDictionary(p => p.File, p => p.Item2);
        var rows = pictures.Select(p => (p.File, Right: predictions.GetValueOrDefault(p.File, -1) == p.Label, Predicted: predictions.GetValueOrDefault(p.File, -1))).ToList();

        int right = rows.Count(r => r.Right);
        Console.WriteLine($"{Path.GetFileName(Path.TrimEndingDirectorySeparator(folder))} with {model}: " +
            $"{right}/{rows.Count} = {100.0 * right / rows.Count:0.0} % (no digit found: {rows.Count(r => r.Predicted < 0)})");
        foreach (string condition in new[] { "paper", "ink", "edges", "shadow", "reverse", "specks" })
        {
            var groups = rows.Where(r => manifest.ContainsKey(Relative(folder, r.File)) && manifest[Relative(folder, r.File)].ContainsKey(condition))
                .GroupBy(r => manifest[Relative(folder, r.File)][condition]).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
            if (groups.Count > 0)
            {
                Console.WriteLine($"  {condition}: " + string.Join(", ", groups.Select(g => $"{g.Key} {g.Count(r => r.Right)}/{g.Count()}")));
            }
        }

        if (stepsFolder is not null && model == models[0])
        {
            Directory.CreateDirectory(stepsFolder);
            foreach ((string file, bool isRight, int predicted) in rows.Where(r => !r.Right))
            {
                MnistPreprocessingSteps steps = pictures.First(p => p.File == file).Steps;
                string name = Relative(folder, file).Replace('/', '-');
                string reading = predicted < 0 ? "no digit" : predicted.ToString(CultureInfo.InvariantCulture);
                Console.WriteLine($"  misread {Relative(folder, file)} as {reading}");
                StepsStrip.Save(Path.Combine(stepsFolder, Path.ChangeExtension(name, ".png")), steps, $"{Relative(folder, file)} read as {reading}");
            }
        }
    }
}

return 0;

static string Relative(string folder, string file) => Path.GetRelativePath(folder, file).Replace('\\', '/');

static Dictionary<string, Dictionary<string, string>> ReadManifest(string path)
{
    var rows = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
    if (!File.Exists(path))
    {
        return rows;
    }

    string[] lines = File.ReadAllLines(path);
    string[] header = lines[0].Split(',');
    foreach (string line in lines.Skip(1))
    {
        string[] cells = line.Split(',');
        var row = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < header.Length && i < cells.Length; i++)
        {
            row[header[i]] = cells[i];
        }

        rows[row["file"]] = row;
    }

    return rows;
}
