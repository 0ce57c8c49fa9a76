using ConvNet.Core.Data;
using ConvNet.Core.Tensors;
using ConvNet.Core.Tests.Data;
using ConvNet.Datasets;

namespace ConvNet.Datasets.Tests;

public sealed class MnistDatasetTests : IDisposable
{
    private const int Pixels = 28 * 28;
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Loads_the_four_files_raw_or_compressed()
    {
        WriteSet(trainLabels: [5, 0, 4], testLabels: [7, 2]);

        var mnist = MnistDataset.Load(_folder.Path);

        mnist.Train.Inputs.Shape.Should().Be(new TensorShape(3, 1, 28, 28));
        mnist.Train.Labels.Should().Equal(5, 0, 4);
        mnist.Test.Inputs.Shape.Should().Be(new TensorShape(2, 1, 28, 28));
        mnist.Test.Labels.Should().Equal(7, 2);
        // Pixel 1 of the pattern is 37.
        mnist.Test.Inputs[0, 0, 0, 1].Should().BeApproximately(37f / 255f, 1e-7f);
        mnist.Folder.Should().Be(_folder.Path);
    }

    [Fact]
    public void Missing_folder_names_it_and_says_how_to_download()
    {
        string absent = Path.Combine(_folder.Path, "absent");

        FluentActions.Invoking(() => MnistDataset.Load(absent)).Should().Throw<DirectoryNotFoundException>()
            .WithMessage($"*{absent}*download*");
    }

    [Fact]
    public void Missing_file_names_it_and_says_how_to_download()
    {
        WriteSet(trainLabels: [1], testLabels: [2]);
        File.Delete(Path.Combine(_folder.Path, MnistDataset.TestLabelsFileName));

        FluentActions.Invoking(() => MnistDataset.Load(_folder.Path)).Should().Throw<FileNotFoundException>()
            .WithMessage($"*{MnistDataset.TestLabelsFileName}*download*");
    }

    [Fact]
    public void Images_of_another_size_are_rejected()
    {
        WriteSet(trainLabels: [1], testLabels: [2]);
        _folder.Write(MnistDataset.TestImagesFileName, IdxTestFiles.Images(1, 27, 27, new byte[27 * 27]));

        FluentActions.Invoking(() => MnistDataset.Load(_folder.Path)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{MnistDataset.TestImagesFileName}*28 x 28*27 x 27*");
    }

    [Fact]
    public void Labels_outside_zero_to_nine_are_rejected()
    {
        WriteSet(trainLabels: [1, 10], testLabels: [2]);

        FluentActions.Invoking(() => MnistDataset.Load(_folder.Path)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{MnistDataset.TrainLabelsFileName}*item 1 has label 10*");
    }

    [Fact]
    public void Count_mismatch_between_train_images_and_labels_is_rejected()
    {
        WriteSet(trainLabels: [1, 2], testLabels: [3]);
        _folder.Write(MnistDataset.TrainLabelsFileName + ".gz", IdxTestFiles.Gzip(IdxTestFiles.Labels(1)));

        FluentActions.Invoking(() => MnistDataset.Load(_folder.Path)).Should().Throw<InvalidDataException>()
            .WithMessage("*2 images and 1 labels*");
    }

    [FashionMnistFact]
    [Trait("Category", "Integration")]
    public void Loads_fashion_mnist_from_the_debian_package()
    {
        var fashion = MnistDataset.Load(MnistDataset.DebianFashionMnistFolder);

        fashion.Train.Count.Should().Be(60_000);
        fashion.Test.Count.Should().Be(10_000);
        // Fashion-MNIST is balanced: 6,000 training and 1,000 test items per class.
        Histogram(fashion.Train.LabelSpan).Should().OnlyContain(count => count == 6_000);
        Histogram(fashion.Test.LabelSpan).Should().OnlyContain(count => count == 1_000);
    }

    private static int[] Histogram(ReadOnlySpan<int> labels)
    {
        var counts = new int[MnistDataset.ClassCount];
        foreach (int label in labels)
        {
            counts[label]++;
        }

        return counts;
    }

    /// <summary>Writes the training files gzip-compressed and the test files raw, as mixed folders occur in practice.</summary>
    private void WriteSet(byte[] trainLabels, byte[] testLabels)
    {
        _folder.Write(
            MnistDataset.TrainImagesFileName + ".gz",
            IdxTestFiles.Gzip(IdxTestFiles.Images(trainLabels.Length, 28, 28, IdxTestFiles.PatternPixels(trainLabels.Length * Pixels))));
        _folder.Write(MnistDataset.TrainLabelsFileName + ".gz", IdxTestFiles.Gzip(IdxTestFiles.Labels(trainLabels)));
        _folder.Write(
            MnistDataset.TestImagesFileName,
            IdxTestFiles.Images(testLabels.Length, 28, 28, IdxTestFiles.PatternPixels(testLabels.Length * Pixels)));
        _folder.Write(MnistDataset.TestLabelsFileName, IdxTestFiles.Labels(testLabels));
    }
}
