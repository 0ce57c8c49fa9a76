namespace ConvNet.Core.Training;

/// <summary>
/// Thrown when a mini-batch loss is NaN or infinite: training cannot recover, so it stops before the optimizer
/// spreads the damage. Names where it happened and the first parameter (in network order) that holds a non-finite
/// value or gradient.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception with a message only (for serializers and tests).</summary>
    public TrainingDivergedException()
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal TrainingDivergedException(int epoch, int batch, float loss, string? parameterName)
        : base($"Training diverged at epoch {epoch}, batch {batch}: the loss is {loss}. "
            + (parameterName is null
                ? "Every parameter and gradient is finite, so the inputs or the loss itself overflowed."
                : $"The first non-finite parameter is {parameterName}.")
            + " Try a smaller learning rate or gradient clipping.")
    {
        Epoch = epoch;
        Batch = batch;
        Loss = loss;
        ParameterName = parameterName;
    }

    /// <summary>The epoch (from 1) of the failing mini-batch.</summary>
    public int Epoch { get; }

    /// <summary>The mini-batch (from 1, within its epoch) whose loss was not finite.</summary>
    public int Batch { get; }

    /// <summary>The non-finite loss.</summary>
    public float Loss { get; }

    /// <summary>The network name of the first parameter with a non-finite value or gradient, with which of the two; null if none.</summary>
    public string? ParameterName { get; }
}
