namespace ConvNet.Web;

/// <summary>The options of <c>loadtest</c>: <c>--requests N --concurrency C --max-seconds S --model FILE</c>.</summary>
/// <param name="Requests">Predictions to send (after a warm-up of up to 1,000).</param>
/// <param name="Concurrency">Clients sending at once.</param>
/// <param name="MaxSeconds">The run stops sending after this long, whatever is left.</param>
/// <param name="ModelPath">Passed on to the server as <c>--model</c>; null for the server's default.</param>
internal sealed record LoadTestOptions(int Requests, int Concurrency, int MaxSeconds, string? ModelPath)
{
    /// <summary>Reads the command line after <c>loadtest</c>.</summary>
    /// <exception cref="ArgumentException">An unknown option, a missing value or a number out of range; the message says which.</exception>
    public static LoadTestOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i += 2)
        {
            if (args[i] is not ("--requests" or "--concurrency" or "--max-seconds" or "--model"))
            {
                throw new ArgumentException($"Unknown option '{args[i]}'; loadtest takes --requests N, --concurrency C, --max-seconds S and --model FILE.");
            }

            values[args[i]] = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"Option {args[i]} needs a value.");
        }

        return new LoadTestOptions(
            Number(values, "--requests", 20_000, 1, 1_000_000),
            Number(values, "--concurrency", 32, 1, 256),
            Number(values, "--max-seconds", 300, 1, 3_600),
            values.GetValueOrDefault("--model"));
    }

    private static int Number(Dictionary<string, string> values, string option, int fallback, int minimum, int maximum)
    {
        if (!values.TryGetValue(option, out string? text))
        {
            return fallback;
        }

        return int.TryParse(text, out int value) && value >= minimum && value <= maximum
            ? value
            : throw new ArgumentException($"Option {option} takes a whole number from {minimum} to {maximum}; got '{text}'.");
    }
}
