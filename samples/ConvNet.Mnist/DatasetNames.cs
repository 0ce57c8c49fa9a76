using ConvNet.Datasets;

namespace ConvNet.Mnist;

/// <summary>
/// The built-in datasets the commands know by name, and the model property that records which one (or an image
/// folder) a model was trained on, so <c>evaluate</c> and <c>predict</c> read the matching pictures.
/// </summary>
internal static class DatasetNames
{
    /// <summary>The model property naming the training data: <see cref="Mnist"/>, <see cref="FashionMnist"/> or <see cref="Images"/>.</summary>
    public const string PropertyKey = "dataset";

    public const string Mnist = "mnist";

    public const string FashionMnist = "fashion-mnist";

    /// <summary>A folder of the user's own pictures (<c>train --images DIR</c>).</summary>
    public const string Images = "images";

    /// <summary>The names <c>--dataset</c> takes.</summary>
    public static IReadOnlyList<string> BuiltIn { get; } = [Mnist, FashionMnist];

    /// <summary>The title of a dataset in messages and charts.</summary>
    public static string Title(string name) => name == FashionMnist ? "Fashion-MNIST" : "MNIST";

    /// <summary>Loads a built-in dataset: MNIST fetched on first use, Fashion-MNIST from its folder (default Debian's).</summary>
    public static async Task<MnistDataset> LoadAsync(string name, string? folder, CancellationToken cancellation) => name == FashionMnist
        ? Datasets.FashionMnist.Load(folder)
        : await MnistData.LoadAsync(folder, cancellation).ConfigureAwait(false);
}
