using ConvNet.Core.Data;
namespace ConvNet.Datasets;

/// <summary>
/// The MNIST handwritten digits (or Fashion-MNIST, which has the same files and layout) loaded from a folder:
/// <see cref="Train"/> (60,000 items) and <see cref="Test"/> (10,000 items), images [N, 1, 28, 28] with pixels in
/// [0, 1] and labels 0 to 9.
/// </summary>
/// <remarks>
/// Loading never downloads: fill the folder first with <see cref="MnistFetcher.EnsureAsync"/>
/// (MNIST) or the Debian/Ubuntu package <c>dataset-fashion-mnist</c> (Fashion-MNIST, in
/// <see cref="DebianFashionMnistFolder"/>).
/// </remarks>
public sealed class MnistDataset
{
    /// <summary>The side of every image in pixels.</summary>
    public const int ImageSize = 28;

    /// <summary>The number of classes (digits 0 to 9, or ten kinds of clothing).</summary>
    public const int ClassCount = 10;

    /// <summary>Where the Debian/Ubuntu package <c>dataset-fashion-mnist</c> installs Fashion-MNIST.</summary>
    public const string DebianFashionMnistFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>Standard name of the training images (also accepted with a <c>.gz</c> suffix).</summary>
    public const string TrainImagesFileName = "train-images-idx3-ubyte";

    /// <summary>Standard name of the training labels (also accepted with a <c>.gz</c> suffix).</summary>
    public const string TrainLabelsFileName = "train-labels-idx1-ubyte";

    /// <summary>Standard name of the test images (also accepted with a <c>.gz</c> suffix).</summary>
    public const string TestImagesFileName = "t10k-images-idx3-ubyte";

    /// <summary>Standard name of the test labels (also accepted with a <c>.gz</c> suffix).</summary>
    public const string TestLabelsFileName = "t10k-labels-idx1-ubyte";

    private const string DownloadHint =
        "Download MNIST with `dotnet run --project samples/ConvNet.Mnist -c Release -- download` or, from code, "
        + "`await new MnistFetcher().EnsureAsync()`; for Fashion-MNIST run `sudo apt-get install dataset-fashion-mnist` "
        + "and load " + DebianFashionMnistFolder + ".";

    private MnistDataset(string folder, LabeledDataset train, LabeledDataset test)
    {
        Folder = folder;
        Train = train;
        Test = test;
    }

    /// <summary>The folder the files were read from.</summary>
    public string Folder { get; }

    /// <summary>The training set.</summary>
    public LabeledDataset Train { get; }

    /// <summary>The test set.</summary>
    public LabeledDataset Test { get; }

    /// <summary>
    /// Loads the four standard files (<see cref="TrainImagesFileName"/>, <see cref="TrainLabelsFileName"/>,
    /// <see cref="TestImagesFileName"/>, <see cref="TestLabelsFileName"/>, each raw or with a <c>.gz</c> suffix)
    /// from <paramref name="folder"/>.
    /// </summary>
    /// <param name="folder">The folder, for example the one <see cref="MnistFetcher.EnsureAsync"/> returns.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">One of the four files is missing.</exception>
    /// <exception cref="InvalidDataException">
    /// A file is malformed, images and labels disagree in count, an image is not 28 x 28 or a label is not 0 to 9.
    /// </exception>
    public static MnistDataset Load(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The MNIST folder '{Path.GetFullPath(folder)}' does not exist. {DownloadHint}");
        }

        var train = LoadPart(folder, TrainImagesFileName, TrainLabelsFileName);
        var test = LoadPart(folder, TestImagesFileName, TestLabelsFileName);
        return new MnistDataset(folder, train, test);
    }

    private static LabeledDataset LoadPart(string folder, string imagesName, string labelsName)
    {
        string imagesPath = FindFile(folder, imagesName);
        string labelsPath = FindFile(folder, labelsName);
        var dataset = IdxReader.ReadDataset(imagesPath, labelsPath);
        var shape = dataset.Inputs.Shape;
        if (shape[2] != ImageSize || shape[3] != ImageSize)
        {
            throw new InvalidDataException(
                $"IDX file '{imagesPath}': expected {ImageSize} x {ImageSize} images but found {shape[2]} x {shape[3]}.");
        }

        ReadOnlySpan<int> labels = dataset.LabelSpan;
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= ClassCount)
            {
                throw new InvalidDataException(
                    $"IDX file '{labelsPath}': expected labels 0 to {ClassCount - 1} but item {i} has label {labels[i]}.");
            }
        }

        return dataset;
    }

    private static string FindFile(string folder, string name)
    {
        string rawPath = Path.Combine(folder, name);
        if (File.Exists(rawPath))
        {
            return rawPath;
        }

        string compressedPath = rawPath + ".gz";
        if (File.Exists(compressedPath))
        {
            return compressedPath;
        }

        throw new FileNotFoundException(
            $"The MNIST file '{rawPath}' (or '{compressedPath}') does not exist. {DownloadHint}", rawPath);
    }
}
