namespace ConvNet.Core.Serialization;

/// <summary>
/// Text from a file that may come from a stranger (a tensor or node name, a JSON fragment), made fit for an error
/// message: cut short, so that a hostile file cannot make a message megabytes long, and its control characters
/// replaced, so that it cannot break the line or the terminal the message is written to.
/// </summary>
internal static class UntrustedText
{
    /// <summary>Names and JSON fragments quoted in error messages are cut to this many characters.</summary>
    public const int MaxQuotedLength = 80;

    /// <summary>
    /// A problem stated in an error message is cut to this many characters: problems quote a file's lists (an
    /// attribute's values, an array of sizes), which a hostile file can make megabytes long.
    /// </summary>
    public const int MaxProblemLength = 1000;

    /// <summary>
    /// <paramref name="exception"/>'s message as the reason given in another error: on one line and cut to
    /// <see cref="MaxProblemLength"/>, since it may quote the file (a parser's or a constructor's own words).
    /// </summary>
    public static string Reason(Exception exception) => Cut(exception.Message.ReplaceLineEndings(" "), MaxProblemLength);

    /// <summary>A name from the file in quotes, cut to <see cref="MaxQuotedLength"/>.</summary>
    public static string Quote(string text) => "'" + Cut(text) + "'";

    /// <summary>
    /// <paramref name="text"/> cut to <paramref name="maxLength"/> characters (with how long it was) and control
    /// characters replaced by '?'.
    /// </summary>
    public static string Cut(string text, int maxLength = MaxQuotedLength)
    {
        string shown = text.Length <= maxLength ? text : text[..maxLength] + $"… ({text.Length:N0} characters)";
        return string.Concat(shown.Select(character => char.IsControl(character) ? '?' : character));
    }
}
