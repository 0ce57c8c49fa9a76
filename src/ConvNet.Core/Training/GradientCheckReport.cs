namespace ConvNet.Core.Training;

/// <summary>The result of a <see cref="GradientCheck"/>: one entry per checked tensor, in parameter order.</summary>
public sealed class GradientCheckReport
{
    internal GradientCheckReport(IReadOnlyList<GradientCheckEntry> entries)
    {
        Entries = entries;
        WorstExcess = entries.Count == 0 ? 0 : entries.Max(entry => entry.WorstExcess);
    }

    /// <summary>One entry per checked tensor.</summary>
    public IReadOnlyList<GradientCheckEntry> Entries { get; }

    /// <summary>The largest <see cref="GradientCheckEntry.WorstExcess"/> over all entries.</summary>
    public double WorstExcess { get; }

    /// <summary>Whether every element of every entry meets the criterion (<see cref="WorstExcess"/> at most 1).</summary>
    public bool Passes => WorstExcess <= 1;

    /// <summary>The entry for the tensor called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No entry has that name.</exception>
    public GradientCheckEntry this[string name] =>
        Entries.FirstOrDefault(entry => entry.Name == name)
        ?? throw new KeyNotFoundException($"No gradient-check entry '{name}'; entries: {string.Join(", ", Entries.Select(entry => entry.Name))}.");

    /// <inheritdoc />
    public override string ToString() => string.Join(Environment.NewLine, Entries);
}
