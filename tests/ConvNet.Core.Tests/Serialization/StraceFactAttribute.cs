namespace ConvNet.Core.Tests.Serialization;

/// <summary>A fact that is reported as skipped, with the install command, where strace is not installed.</summary>
public sealed class StraceFactAttribute : FactAttribute
{
    /// <summary>Where Debian installs strace.</summary>
    public const string StracePath = "/usr/bin/strace";

    public StraceFactAttribute()
    {
        if (!File.Exists(StracePath))
        {
            Skip = $"strace is not installed at {StracePath} (sudo apt-get install strace).";
        }
    }
}
