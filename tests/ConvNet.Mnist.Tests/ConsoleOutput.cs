namespace ConvNet.Mnist.Tests;

/// <summary>
/// The tests that redirect the process's console to read what a command prints: they run one at a time, after the
/// parallel tests, so no other test's lines land in their capture and none of theirs goes missing elsewhere.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleOutput
{
    /// <summary>The collection's name, for <c>[Collection(ConsoleOutput.Name)]</c>.</summary>
    public const string Name = "Console output";
}
