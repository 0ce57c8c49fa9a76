namespace ConvNet.Core.Layers;

/// <summary>How a <see cref="Pooling"/> layer summarizes each window.</summary>
public enum PoolingMode
{
    /// <summary>The largest value in the window (the seed's choice, and the usual one for images).</summary>
    Max,

    /// <summary>The mean of the window.</summary>
    Average,
}
