using ConvNet.Core.Tests.Serialization;

namespace ConvNet.Core.Tests;

/// <summary>
/// The test assembly's entry point. The test runner never calls it; tests that need a separate process to kill
/// start this assembly again with a command (see <see cref="SaveCrashTests"/>).
/// </summary>
internal static class Program
{
    public static int Main(string[] args) => args is [CrashChild.Command, string target] ? CrashChild.Run(target) : 0;
}
