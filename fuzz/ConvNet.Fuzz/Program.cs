using ConvNet.Core.Data;
using ConvNet.Core.Serialization;
using ConvNet.Datasets;
using ConvNet.Mnist;
using SharpFuzz;

namespace ConvNet.Fuzz;

/// <summary>
/// One AFL++ target per parser of untrusted files, chosen by the first argument: <c>idx</c> (IDX images, raw or
/// gzip), <c>safetensors</c> (checkpoint headers and tensors), <c>image</c> (the sample's PNG/JPEG reader and the
/// digit preprocessor). Each input is written to a file, since every reader takes a path; the documented
/// exceptions are the expected outcome of a bad file, anything else escapes and AFL++ records it as a crash.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args is not [string target] || !Targets.TryGetValue(target, out var read))
        {
            Console.Error.WriteLine($"usage: ConvNet.Fuzz {string.Join('|', Targets.Keys)}   (run by fuzz/run.sh under afl-fuzz)");
            return 2;
        }

        string path = Path.Combine(Path.GetTempPath(), $"convnet-fuzz-{target}-{Environment.ProcessId}");
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using (var file = File.Create(path))
            {
                stream.CopyTo(file);
            }

            try
            {
                read(path);
            }
            catch (InvalidDataException)
            {
                // The documented answer to a bad file.
            }
            catch (ArgumentException) when (target == "image")
            {
                // The preprocessor's answer to a blank or oversized picture.
            }
        });
        return 0;
    }

    private static readonly Dictionary<string, Action<string>> Targets = new(StringComparer.Ordinal)
    {
        ["idx"] = path => IdxReader.ReadImages(path),
        ["safetensors"] = path => Checkpoint.ReadTensors(path),
        ["image"] = path =>
        {
            (float[] luminance, int width, int height) = ImageFile.ReadGrayscale(path);
            MnistImagePreprocessor.ToMnist(luminance, width, height);
        },
    };
}
