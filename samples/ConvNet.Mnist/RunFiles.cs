namespace ConvNet.Mnist;

/// <summary>Where <c>train</c> writes its results and where <c>evaluate</c> and <c>predict</c> look by default.</summary>
internal static class RunFiles
{
    public const string DefaultFolder = "output";
    public const string ModelFileName = "model.safetensors";
    public const string CurveFileName = "learning-curve.png";
    public const string MisclassifiedFileName = "misclassified.png";

    /// <summary>The largest mini-batch the commands accept: at 60,000 SimpleConvNet's training buffers alone pass 6 GB.</summary>
    public const int MaxBatchSize = 1_000;

    public static string DefaultModelPath => Path.Combine(DefaultFolder, ModelFileName);
}
