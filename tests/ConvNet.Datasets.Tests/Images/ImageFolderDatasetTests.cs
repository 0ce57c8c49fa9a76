using ConvNet.Core.Tensors;
using ConvNet.Core.Tests.Data;
using ConvNet.Datasets.Images;
using SkiaSharp;

namespace ConvNet.Datasets.Tests.Images;

public sealed class ImageFolderDatasetTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Class_names_are_the_folder_names_in_ordinal_order_and_labels_follow_the_folders()
    {
        // Each class has its own colour, so every item's label can be checked against its pixels.
        var colours = new Dictionary<string, SKColor>
        {
            ["Zebra"] = new(255, 0, 0),
            ["apple"] = new(0, 255, 0),
            ["Banana"] = new(0, 0, 255),
        };
        foreach (var (name, colour) in colours)
        {
            for (int i = 0; i < 4; i++)
            {
                TestPictures.Solid(Path.Combine(_folder.Path, name, i < 2 ? $"{i}.png" : Path.Combine("nested", $"{i}.png")), colour);
            }
        }

        File.WriteAllText(Path.Combine(_folder.Path, "apple", "readme.txt"), "not a picture, not counted");
        TestPictures.Solid(Path.Combine(_folder.Path, "apple", ".hidden.png"), SKColors.Black);
        TestPictures.Solid(Path.Combine(_folder.Path, ".cache", "x.png"), SKColors.Black);

        ImageFolderDataset data = ImageFolderDataset.Load(_folder.Path, new ImageFolderOptions { Width = 4, Height = 4, ValidationFraction = 0.25, Normalize = false });

        data.ClassNames.Should().Equal("Banana", "Zebra", "apple");
        data.Train.Count.Should().Be(9);
        data.Validation!.Count.Should().Be(3);
        data.Skipped.Should().BeEmpty();
        foreach (var (split, files) in new[] { (data.Train, data.TrainFiles), (data.Validation, data.ValidationFiles) })
        {
            for (int item = 0; item < split.Count; item++)
            {
                string className = data.ClassNames[split.Labels[item]];
                files[item].Should().Contain(Path.Combine(_folder.Path, className));
                SKColor colour = colours[className];
                split.Inputs[item, 0, 1, 1].Should().Be(colour.Red / 255f);
                split.Inputs[item, 2, 1, 1].Should().Be(colour.Blue / 255f);
            }
        }
    }

    [Fact]
    public void The_split_takes_the_same_fraction_of_every_class_and_depends_only_on_the_seed()
    {
        WriteClasses(("a", 10), ("b", 20), ("c", 5));
        var options = new ImageFolderOptions { Width = 4, Height = 4, ValidationFraction = 0.2, Seed = 3 };

        ImageFolderDataset first = ImageFolderDataset.Load(_folder.Path, options);
        ImageFolderDataset again = ImageFolderDataset.Load(_folder.Path, options);
        ImageFolderDataset other = ImageFolderDataset.Load(_folder.Path, options with { Seed = 4 });

        first.Validation!.Labels.GroupBy(label => label).ToDictionary(group => group.Key, group => group.Count())
            .Should().Equal(new Dictionary<int, int> { [0] = 2, [1] = 4, [2] = 1 });
        first.TrainFiles.Intersect(first.ValidationFiles).Should().BeEmpty();
        first.TrainFiles.Concat(first.ValidationFiles).Should().HaveCount(35).And.OnlyHaveUniqueItems();
        again.ValidationFiles.Should().Equal(first.ValidationFiles);
        again.TrainFiles.Should().Equal(first.TrainFiles);
        other.ValidationFiles.Should().NotEqual(first.ValidationFiles);
        first.Train.Labels.Take(10).Distinct().Should().HaveCountGreaterThan(1, "the items are shuffled, so any prefix mixes the classes");
    }

    [Fact]
    public void Normalization_comes_from_the_training_split_and_is_applied_to_both_splits()
    {
        WriteClasses(("a", 12), ("b", 12));
        var raw = ImageFolderDataset.Load(_folder.Path, new ImageFolderOptions { Width = 6, Height = 6, Normalize = false, Seed = 1 });

        ImageFolderDataset data = ImageFolderDataset.Load(_folder.Path, new ImageFolderOptions { Width = 6, Height = 6, Seed = 1 });

        ChannelNormalization expected = ChannelNormalization.Compute(raw.Train.Inputs);
        data.Transform.Normalization!.Mean.Should().Equal(expected.Mean);
        data.Transform.Normalization.StandardDeviation.Should().Equal(expected.StandardDeviation);
        ChannelNormalization after = ChannelNormalization.Compute(data.Train.Inputs);
        after.Mean.Should().OnlyContain(mean => Math.Abs(mean) < 1e-4f);
        after.StandardDeviation.Should().OnlyContain(deviation => Math.Abs(deviation - 1f) < 1e-3f);
        float[] validationRaw = raw.Validation!.Inputs.ToArray();
        float[] validation = data.Validation!.Inputs.ToArray();
        int plane = 36;
        for (int i = 0; i < validation.Length; i++)
        {
            int channel = i / plane % 3;
            float standardized = (validationRaw[i] - expected.Mean[channel]) / expected.StandardDeviation[channel];
            validation[i].Should().BeApproximately(standardized, 1e-5f);
        }

        // A file read later with the dataset's transform matches the item it became.
        int item = 0;
        data.Transform.ReadFile(data.ValidationFiles[item]).ToArray().Should().Equal(
            data.Validation.Inputs.SliceBatch(item, 1).ToArray(), (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public void Given_statistics_are_used_as_they_are()
    {
        WriteClasses(("a", 3), ("b", 3));
        var given = new ChannelNormalization([0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f]);

        ImageFolderDataset data = ImageFolderDataset.Load(_folder.Path, new ImageFolderOptions { Width = 4, Height = 4, Normalization = given, ValidationFraction = 0 });

        data.Transform.Normalization.Should().BeSameAs(given);
        data.Validation.Should().BeNull();
        data.Train.Inputs.ToArray().Should().OnlyContain(value => value >= -1f && value <= 1f);
    }

    [Fact]
    public void Grey_mode_reads_one_channel()
    {
        WriteClasses(("a", 2), ("b", 2));

        ImageFolderDataset data = ImageFolderDataset.Load(_folder.Path, new ImageFolderOptions { Width = 5, Height = 7, Color = ImageColorMode.Grayscale, ValidationFraction = 0 });

        data.Train.Inputs.Shape.Should().Be(new TensorShape(4, 1, 7, 5));
        data.Transform.ItemShape.Should().Be(new TensorShape(1, 7, 5));
    }

    [Fact]
    public void Unreadable_files_are_skipped_counted_and_named_in_a_warning()
    {
        WriteClasses(("a", 5), ("b", 5));
        var broken = Enumerable.Range(0, 7).Select(i => _folder.Write(Path.Combine(i % 2 == 0 ? "a" : "b", $"broken{i}.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3])).ToList();
        var log = new ProgressLog();

        ImageFolderDataset data = ImageFolderDataset.Load(_folder.Path, new ImageFolderOptions { Width = 4, Height = 4 }, log);

        data.Skipped.Select(image => image.Path).Should().BeEquivalentTo(broken);
        (data.Train.Count + data.Validation!.Count).Should().Be(10);
        string warning = log.Lines.Single(line => line.StartsWith("warning:", StringComparison.Ordinal));
        warning.Should().Contain("skipped 7 of 17 files").And.EndWith(", …");
        broken.Count(path => warning.Contains(path, StringComparison.Ordinal)).Should().Be(ImageFolderDataset.NamedInWarning);
    }

    [Fact]
    public void Strict_mode_stops_at_the_first_unreadable_file_naming_it()
    {
        WriteClasses(("a", 3), ("b", 3));
        string broken = _folder.Write(Path.Combine("b", "broken.jpg"), [1, 2, 3]);

        FluentActions.Invoking(() => ImageFolderDataset.Load(_folder.Path, new ImageFolderOptions { Width = 4, Height = 4, Strict = true }))
            .Should().Throw<InvalidDataException>().WithMessage($"*{broken}*");
    }

    [Fact]
    public void A_folder_that_is_not_laid_out_by_class_is_refused_with_what_was_expected()
    {
        FluentActions.Invoking(() => ImageFolderDataset.Load(Path.Combine(_folder.Path, "missing")))
            .Should().Throw<DirectoryNotFoundException>().WithMessage("*missing*");

        TestPictures.Solid(Path.Combine(_folder.Path, "only", "1.png"), SKColors.Red);
        FluentActions.Invoking(() => ImageFolderDataset.Load(_folder.Path))
            .Should().Throw<InvalidDataException>().WithMessage("*1 class folder*at least two*ROOT/CLASS_NAME/PICTURE.png*");

        Directory.CreateDirectory(Path.Combine(_folder.Path, "empty"));
        FluentActions.Invoking(() => ImageFolderDataset.Load(_folder.Path))
            .Should().Throw<InvalidDataException>().WithMessage("*empty*holds no pictures*");

        FluentActions.Invoking(() => ImageFolderDataset.Load(_folder.Path, new ImageFolderOptions { ValidationFraction = 1 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(ImageFolderOptions.ValidationFraction));
    }

    /// <summary>Writes <c>count</c> pictures of random colours into each named class folder.</summary>
    private void WriteClasses(params (string Name, int Count)[] classes)
    {
        var random = new Random(5);
        foreach (var (name, count) in classes)
        {
            for (int i = 0; i < count; i++)
            {
                TestPictures.Write(Path.Combine(_folder.Path, name, $"{i:D3}.png"), 8, 8, (_, _) => new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
            }
        }
    }
}
