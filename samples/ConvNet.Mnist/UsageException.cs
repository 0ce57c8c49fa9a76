namespace ConvNet.Mnist;

/// <summary>A mistake in the command line: reported as one line with a hint to use --help, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
