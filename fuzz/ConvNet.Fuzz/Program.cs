using SharpFuzz;

namespace ConvNet.Fuzz;

/// <summary>
/// The AFL++ entry point: <c>ConvNet.Fuzz TARGET [--out-of-process]</c>, TARGET one of <see cref="FuzzTarget.All"/>.
/// Each input is written to a file (every reader takes a path) and read under the target's contract.
/// <c>ConvNet.Fuzz onnx-seeds FOLDER</c> writes the onnx target's seed inputs (<see cref="OnnxSeeds"/>).
/// </summary>
/// <remarks>
/// By default the inputs run in this process, one after another (SharpFuzz's persistent mode, thousands of inputs a
/// second). A hang, a stack overflow or a native crash then kills the whole runner and AFL++ stops instead of
/// recording the input; <c>--out-of-process</c> runs each input in a child process that SharpFuzz restarts when it
/// dies, so AFL++ records those too, at a few hundred inputs a second. Outside AFL++ the input on standard input
/// runs once, which replays a finding.
/// </remarks>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["onnx-seeds", string folder])
        {
            OnnxSeeds.Write(folder);
            return 0;
        }

        string? name = args switch
        {
            [string only] => only,
            [string first, "--out-of-process"] => first,
            _ => null,
        };
        if (name is null || !FuzzTarget.All.TryGetValue(name, out FuzzTarget? target))
        {
            Console.Error.WriteLine(
                $"usage: ConvNet.Fuzz {string.Join('|', FuzzTarget.All.Keys)} [--out-of-process]   (run by fuzz/run.sh under afl-fuzz)");
            return 2;
        }

        string path = Path.Combine(Path.GetTempPath(), $"convnet-fuzz-{name}-{Environment.ProcessId}");
        Action<Stream> run = stream =>
        {
            using var input = new MemoryStream();
            stream.CopyTo(input);
            target.Check(path, input.ToArray());
        };

        if (args.Length == 2)
        {
            Fuzzer.OutOfProcess.Run(run);
        }
        else
        {
            Fuzzer.Run(run);
        }

        return 0;
    }
}
