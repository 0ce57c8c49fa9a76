namespace ConvNet.Datasets;

/// <summary>A file the fetcher must produce: its name in the cache folder and the SHA-256 of its uncompressed content.</summary>
/// <param name="Name">The file name, without any <c>.gz</c> suffix.</param>
/// <param name="Sha256">The SHA-256 of the uncompressed content, lowercase hex.</param>
/// <param name="Length">The length of the uncompressed content in bytes; a source that sends more is cut off there.</param>
internal sealed record ExpectedFile(string Name, string Sha256, long Length)
{
    /// <summary>The four MNIST files with the hashes listed in DEVELOPERS.md.</summary>
    internal static IReadOnlyList<ExpectedFile> Mnist { get; } =
    [
        new(MnistDataset.TrainImagesFileName, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 47_040_016),
        new(MnistDataset.TrainLabelsFileName, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", 60_008),
        new(MnistDataset.TestImagesFileName, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 7_840_016),
        new(MnistDataset.TestLabelsFileName, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 10_008),
    ];
}
