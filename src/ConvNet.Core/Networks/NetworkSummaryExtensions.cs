namespace ConvNet.Core.Networks;

/// <summary>Adds <see cref="Summary"/> to every network.</summary>
public static class NetworkSummaryExtensions
{
    /// <summary>
    /// Each layer's output shape, parameter count and forward FLOPs per image, with totals (print it for a table, like
    /// Keras' <c>model.summary()</c>).
    /// </summary>
    /// <param name="network">The network to describe.</param>
    public static NetworkSummary Summary(this INetwork network) => new(network);
}
