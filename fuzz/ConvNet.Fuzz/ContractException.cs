namespace ConvNet.Fuzz;

/// <summary>A reader answered an input in a way its contract rules out (see <see cref="FuzzTarget"/>): AFL++ records a crash.</summary>
internal sealed class ContractException : Exception
{
    public ContractException(string message)
        : base(message)
    {
    }

    public ContractException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
