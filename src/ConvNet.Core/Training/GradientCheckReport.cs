namespace ConvNet.Core.Training;

/// <summary>The result of a <see cref="GradientCheck"/>: one entry per checked tensor, in parameter order.</summary>
public sealed class GradientCheckReport
{
    internal GradientCheckReport(IReadOnlyList<GradientCheckEntry> entries)
    {
        Entries = entries;
        WorstRelativeError = entries.Count == 0 ? 0 : entries.Max(entry => entry.WorstRelativeError);
    }

    /// <summary>One entry per checked tensor.</summary>
    public IReadOnlyList<GradientCheckEntry> Entries { get; }

    /// <summary>The largest relative error over all entries.</summary>
    public double WorstRelativeError { get; }

    /// <summary>Whether every entry's worst relative error is at most <paramref name="tolerance"/>
    /// (see <see cref="GradientCheck.DefaultTolerance"/>).</summary>
    public bool Passes(double tolerance = GradientCheck.DefaultTolerance) => WorstRelativeError <= tolerance;

    /// <summary>The entry for the tensor called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No entry has that name.</exception>
    public GradientCheckEntry this[string name] =>
        Entries.FirstOrDefault(entry => entry.Name == name)
        ?? throw new KeyNotFoundException($"No gradient-check entry '{name}'; entries: {string.Join(", ", Entries.Select(entry => entry.Name))}.");

    /// <inheritdoc />
    public override string ToString() => string.Join(Environment.NewLine, Entries);
}
