namespace ConvNet.Web;

/// <summary>The app's log messages: structured (named values, not formatted strings) and compiled once.</summary>
internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Serving model {ModelName} from {ModelPath} (test accuracy {TestAccuracy:P2})")]
    public static partial void ModelLoaded(ILogger logger, string modelName, string modelPath, double testAccuracy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving model {ModelName} from {ModelPath} (the file records no test accuracy)")]
    public static partial void ModelLoadedWithoutAccuracy(ILogger logger, string modelName, string modelPath);

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "No model file at {ModelPath}: training a quick SimpleConvNet on {ImageCount} MNIST images so that the page works. "
        + "For a better model run `dotnet run --project samples/ConvNet.Mnist -c Release -- train` and restart, or pass --model FILE.")]
    public static partial void TrainingQuickModel(ILogger logger, string modelPath, int imageCount);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Cannot start: {Reason}")]
    public static partial void CannotStart(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "MNIST: {Progress}")]
    public static partial void FetchingMnist(ILogger logger, string progress);

    [LoggerMessage(Level = LogLevel.Information, Message = "Quick model ready: test accuracy {TestAccuracy:P2}, {Seconds:F1} s after start")]
    public static partial void QuickModelReady(ILogger logger, double testAccuracy, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Predicted {Label} (probability {Probability:F3})")]
    public static partial void Predicted(ILogger logger, string label, float probability);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected {Method} {Path}: {StatusCode} {Detail}")]
    public static partial void Rejected(ILogger logger, string method, PathString path, int statusCode, string detail);
}
