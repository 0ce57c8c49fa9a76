namespace ConvNet.Datasets;

/// <summary>
/// The picture holds nothing that stands out from its background as a digit: it is blank, or shows only paper,
/// lighting and lines. Derives from <see cref="ArgumentException"/> (the picture is the bad argument).
/// </summary>
public sealed class NoDigitFoundException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public NoDigitFoundException()
        : base("No digit found in the picture.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was searched and why nothing qualified.</param>
    public NoDigitFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the argument's name.</summary>
    /// <param name="message">What was searched and why nothing qualified.</param>
    /// <param name="paramName">The argument that holds the picture.</param>
    public NoDigitFoundException(string message, string paramName)
        : base(message, paramName)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What was searched and why nothing qualified.</param>
    /// <param name="innerException">The cause.</param>
    public NoDigitFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
