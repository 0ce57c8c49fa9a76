using System.Diagnostics.CodeAnalysis;
using ConvNet.Core.Models;
using ConvNet.Core.Tests.Data;
using ConvNet.Datasets;

namespace ConvNet.Web.Tests;

/// <summary>
/// What every web test shares: the app's quick model trained on real MNIST (one pass over the 60,000 training images,
/// seeded, so every run trains the same weights, which recognise drawn digits), saved to a model file; the same file
/// loaded by the library directly, to compare the app's answers with; and the app serving that file.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class WebAppFixture : IAsyncLifetime
{
    private readonly TemporaryFolder _folder = new();
    private Model? _model;
    private MnistDataset? _mnist;
    private DigitAppFactory? _app;

    /// <summary>The model file the app serves.</summary>
    public string ModelPath => Path.Combine(_folder.Path, "model.safetensors");

    /// <summary>The model file loaded by the library itself (not through the app).</summary>
    public Model Model => _model ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>Real MNIST.</summary>
    public MnistDataset Mnist => _mnist ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>The app on the in-memory test server, serving <see cref="ModelPath"/>.</summary>
    public DigitAppFactory App => _app ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>The app's settings for serving <see cref="ModelPath"/>, plus <paramref name="more"/>.</summary>
    public Dictionary<string, string> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal) { ["Model:Path"] = ModelPath };
        foreach ((string key, string value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    public async Task InitializeAsync()
    {
        _mnist = await TestData.MnistAsync();
        QuickModel.Train(_mnist.Train, _mnist.Test, images: 60_000, seed: 1).Save(ModelPath);
        _model = Model.Load(ModelPath);
        _app = new DigitAppFactory(Settings());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _folder.Dispose();
    }
}

/// <summary>The web tests share one trained model and run one at a time (the browser test times nothing, but the
/// machine has two cores).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WebAppGroup : ICollectionFixture<WebAppFixture>
{
    public const string Name = "Web app";
}
