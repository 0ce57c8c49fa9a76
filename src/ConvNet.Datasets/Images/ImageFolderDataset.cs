using ConvNet.Core.Data;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Optimizers;
using ConvNet.Core.Tensors;
using ConvNet.Core.Training;

namespace ConvNet.Datasets.Images;

/// <summary>
/// Pictures sorted into one sub-folder per class (the torchvision <c>ImageFolder</c> layout:
/// <c>root/cat/001.png</c>, <c>root/dog/xyz.jpg</c>, …), decoded once into memory as a training and a validation
/// split ready for the <c>Trainer</c>.
/// </summary>
/// <remarks>
/// <para>Class names are the sub-folder names in ordinal order, so class indices are stable across machines; each class
/// folder is searched recursively for files with the <see cref="ImageFolderOptions.Extensions"/> (hidden files and
/// folders are ignored). The validation split takes the same fraction of every class, by a seeded shuffle.</para>
/// <para>Every picture is decoded and resized once, when loading: epochs then read the in-memory tensor
/// (4 × channels × height × width bytes per picture: 12 KiB at 32 × 32 RGB, so 100,000 pictures take 1.2 GB).
/// The items of each split are in a seeded random order, so any prefix (a quick evaluation subset) mixes the classes.</para>
/// </remarks>
public sealed class ImageFolderDataset
{
    /// <summary>How many skipped files a warning names.</summary>
    public const int NamedInWarning = 5;

    private ImageFolderDataset(
        string root,
        IReadOnlyList<string> classNames,
        ImageTransform transform,
        LabeledDataset train,
        IReadOnlyList<string> trainFiles,
        LabeledDataset? validation,
        IReadOnlyList<string> validationFiles,
        IReadOnlyList<SkippedImage> skipped)
    {
        Root = root;
        ClassNames = classNames;
        Transform = transform;
        Train = train;
        TrainFiles = trainFiles;
        Validation = validation;
        ValidationFiles = validationFiles;
        Skipped = skipped;
    }

    /// <summary>The folder the pictures were read from.</summary>
    public string Root { get; }

    /// <summary>The class names (sub-folder names) in label order: label <c>i</c> is <c>ClassNames[i]</c>.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>How every picture was read, with the normalization used: save it with the model to read new pictures the same way.</summary>
    public ImageTransform Transform { get; }

    /// <summary>The training split, items [N, channels, height, width].</summary>
    public LabeledDataset Train { get; }

    /// <summary>The file of each training item.</summary>
    public IReadOnlyList<string> TrainFiles { get; }

    /// <summary>The validation split; null when <see cref="ImageFolderOptions.ValidationFraction"/> left no picture for it.</summary>
    public LabeledDataset? Validation { get; }

    /// <summary>The file of each validation item.</summary>
    public IReadOnlyList<string> ValidationFiles { get; }

    /// <summary>The files that could not be read as pictures (empty in strict mode, which throws instead).</summary>
    public IReadOnlyList<SkippedImage> Skipped { get; }

    /// <summary>
    /// A starting recipe for these pictures: <see cref="BestConvNet"/> (or the seed's <see cref="SimpleConvNet"/>)
    /// sized for <see cref="ImageTransform.ItemShape"/> and the class count, Adam (0.002) with a cosine schedule for 15
    /// epochs of mini-batches of 32, on batches shifted by up to a sixteenth of the side and mirrored left to right.
    /// </summary>
    /// <param name="seed">Seeds the weights, the shuffles and the augmentation.</param>
    /// <param name="modelName"><see cref="ModelCatalog.Best"/> or <see cref="ModelCatalog.Simple"/>.</param>
    /// <exception cref="ArgumentException">Another model name, or pictures smaller than 8 × 8 for the best network.</exception>
    public TrainingRecipe CreateRecipe(int seed, string modelName = ModelCatalog.Best)
    {
        TensorShape shape = Transform.ItemShape;
        INetwork network = modelName switch
        {
            ModelCatalog.Best => BestConvNet.CreateBuilder(shape, ClassNames.Count).Build(new SoftmaxWithLoss(), seed),
            ModelCatalog.Simple => SimpleConvNet.Create(
                new SimpleConvNetOptions { InputChannels = shape[0], InputHeight = shape[1], InputWidth = shape[2], OutputSize = ClassNames.Count }, seed),
            _ => throw new ArgumentException($"Image folders train '{ModelCatalog.Best}' or '{ModelCatalog.Simple}'; got '{modelName}'.", nameof(modelName)),
        };
        var augmentation = new ImageAugmentationOptions { MaxShift = Math.Max(1, Math.Min(shape[1], shape[2]) / 16), HorizontalFlip = true };
        var options = new TrainerOptions
        {
            Epochs = 15,
            BatchSize = Math.Min(32, Train.Count),
            Seed = seed,
            Schedule = new CosineSchedule(),
            Augmentation = new ImageAugmentation(augmentation, seed),
        };
        return new TrainingRecipe(modelName, network, new Adam(network, 0.002f), options);
    }

    /// <summary>Reads every picture under <paramref name="root"/>.</summary>
    /// <param name="root">A folder with one sub-folder per class.</param>
    /// <param name="options">Size, colour, split and normalization; the defaults when null.</param>
    /// <param name="log">Receives a line when reading starts and a warning naming skipped files; null for none.</param>
    /// <param name="cancellationToken">Checked before every file.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// Fewer than two class folders, a class folder without pictures, no readable picture at all, or (in strict mode)
    /// a file that cannot be read as a picture; the message names the folder or file.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    /// <exception cref="ArgumentException">The pictures would not fit one tensor at this input size.</exception>
    public static ImageFolderDataset Load(
        string root, ImageFolderOptions? options = null, IProgress<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        options ??= new ImageFolderOptions();
        options.Validate();
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The image folder '{Path.GetFullPath(root)}' does not exist.");
        }

        string[] classFolders = [.. Directory.EnumerateDirectories(root).Where(IsVisible).Order(StringComparer.Ordinal)];
        if (classFolders.Length < 2)
        {
            throw new InvalidDataException(
                $"The image folder '{Path.GetFullPath(root)}' holds {classFolders.Length} class folder(s); a classifier needs at least two, "
                + "laid out as ROOT/CLASS_NAME/PICTURE.png.");
        }

        var transform = new ImageTransform(options.Width, options.Height, options.Color, options.Resize);
        var split = Split(classFolders, options);
        log?.Report($"Reading {split.Train.Count + split.Validation.Count:N0} pictures of {classFolders.Length} classes from {root} "
            + $"({split.Train.Count:N0} for training, {split.Validation.Count:N0} for validation) at {transform.ChannelCount}×{transform.Height}×{transform.Width}.");

        if ((long)Math.Max(split.Train.Count, split.Validation.Count) * transform.ItemShape.ElementCount > Array.MaxLength)
        {
            throw new ArgumentException(
                $"{split.Train.Count:N0} pictures of {transform.ItemShape} hold more values than one tensor can; choose a smaller width and height.",
                nameof(options));
        }

        var skipped = new List<SkippedImage>();
        var (train, trainFiles) = Decode(split.Train, transform, options.Strict, skipped, cancellationToken);
        var (validation, validationFiles) = Decode(split.Validation, transform, options.Strict, skipped, cancellationToken);
        if (train is null)
        {
            throw new InvalidDataException(
                $"No training picture in '{Path.GetFullPath(root)}' could be read; first: {string.Join("; ", skipped.Take(NamedInWarning).Select(Describe))}.");
        }

        if (skipped.Count > 0)
        {
            string more = skipped.Count > NamedInWarning ? ", …" : string.Empty;
            log?.Report($"warning: skipped {skipped.Count} of {split.Train.Count + split.Validation.Count} files that could not be read as pictures: "
                + string.Join("; ", skipped.Take(NamedInWarning).Select(Describe)) + more);
        }

        ChannelNormalization? normalization = options.Normalize ? options.Normalization ?? ChannelNormalization.Compute(train.Inputs) : null;
        if (normalization is not null)
        {
            normalization.ApplyInPlace(train.Inputs);
            if (validation is not null)
            {
                normalization.ApplyInPlace(validation.Inputs);
            }
        }

        string[] classNames = [.. classFolders.Select(Path.GetFileName).Select(name => name!)];
        return new ImageFolderDataset(
            root, classNames, transform.WithNormalization(normalization), train, trainFiles, validation, validationFiles, skipped);
    }

    private static string Describe(SkippedImage image) => image.Reason;

    private static bool IsVisible(string path) => !Path.GetFileName(path).StartsWith('.');

    /// <summary>Every picture file with its label, split per class by one seeded generator, each split in a seeded random order.</summary>
    private static (List<(string File, int Label)> Train, List<(string File, int Label)> Validation) Split(string[] classFolders, ImageFolderOptions options)
    {
        var random = new Random(options.Seed);
        var extensions = new HashSet<string>(options.Extensions, StringComparer.OrdinalIgnoreCase);
        var search = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System };
        var train = new List<(string, int)>();
        var validation = new List<(string, int)>();
        for (int label = 0; label < classFolders.Length; label++)
        {
            string folder = classFolders[label];
            string[] files =
            [
                .. Directory.EnumerateFiles(folder, "*", search)
                    .Where(file => extensions.Contains(Path.GetExtension(file)) && !Path.GetRelativePath(folder, file).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
                    .Order(StringComparer.Ordinal),
            ];
            if (files.Length == 0)
            {
                throw new InvalidDataException(
                    $"The class folder '{Path.GetFullPath(folder)}' holds no pictures ({string.Join(" ", options.Extensions)}); remove it or add pictures.");
            }

            random.Shuffle(files);
            int validationCount = Math.Min(files.Length - 1, (int)Math.Round(files.Length * options.ValidationFraction));
            validation.AddRange(files[..validationCount].Select(file => (file, label)));
            train.AddRange(files[validationCount..].Select(file => (file, label)));
        }

        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(train));
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(validation));
        return (train, validation);
    }

    /// <summary>Decodes the files into one tensor, skipping (or, when strict, refusing) those that are no pictures; null when none is read.</summary>
    private static (LabeledDataset? Data, string[] Files) Decode(
        List<(string File, int Label)> items, ImageTransform transform, bool strict, List<SkippedImage> skipped, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return (null, []);
        }

        int itemSize = transform.ItemShape.ElementCount;
        var inputs = new FloatTensor(items.Count, transform.ChannelCount, transform.Height, transform.Width);
        var labels = new int[items.Count];
        var files = new string[items.Count];
        int kept = 0;
        foreach (var (file, label) in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                transform.ReadInto(ImageDecoder.ReadFile(file), file, inputs.Span.Slice(kept * itemSize, itemSize), normalize: false);
            }
            catch (Exception exception) when (exception is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                if (strict)
                {
                    throw new InvalidDataException($"Cannot read '{file}' as a picture: {exception.Message}", exception);
                }

                skipped.Add(new SkippedImage(file, exception.Message));
                continue;
            }

            labels[kept] = label;
            files[kept] = file;
            kept++;
        }

        return kept == 0
            ? (null, [])
            : (new LabeledDataset(inputs.SliceBatch(0, kept), labels[..kept]), files[..kept]);
    }
}
