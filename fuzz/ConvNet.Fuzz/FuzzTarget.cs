using ConvNet.Core.Data;
using ConvNet.Core.Layers;
using ConvNet.Core.Models;
using ConvNet.Core.Serialization;
using ConvNet.Core.Tensors;
using ConvNet.Datasets;
using ConvNet.Mnist;
using ConvNet.Onnx;

namespace ConvNet.Fuzz;

/// <summary>
/// One parser of untrusted files and the contract the CsCheck fuzz tests hold it to (tests/*/Fuzzing/ReaderOutcome.cs):
/// it returns a value or throws exactly one of its documented exception types, an <see cref="InvalidDataException"/>
/// names the file, a message stays under 2,000 characters, and the managed allocation stays within a bound. A broken
/// contract throws <see cref="ContractException"/> and any other exception escapes as it is: AFL++ records both as
/// crashes.
/// </summary>
/// <param name="Read">Reads the file at the path it is given.</param>
/// <param name="AllowanceBytes">
/// The allocation any input may cause: the CsCheck test's bound for the same reader. Inputs grow under AFL++ (up to
/// 1 MB), so <see cref="BytesPerInputByte"/> per input byte is allowed on top (a reader keeps a byte and a float copy).
/// </param>
/// <param name="Documented">The exception types a bad file may end in.</param>
internal sealed record FuzzTarget(Action<string> Read, long AllowanceBytes, params Type[] Documented)
{
    /// <summary>The allocation allowed per byte of input, on top of <see cref="AllowanceBytes"/>.</summary>
    public const long BytesPerInputByte = 16;

    private const int MaxMessageLength = 2000;

    /// <summary>The targets by the name <c>fuzz/run.sh</c> passes.</summary>
    public static readonly IReadOnlyDictionary<string, FuzzTarget> All = new Dictionary<string, FuzzTarget>(StringComparer.Ordinal)
    {
        // IDX images, raw or gzip (ReaderFuzzTests.Damaged_IDX_image_files_are_read_or_refused).
        ["idx"] = new(path => IdxReader.ReadImages(path), 16_000_000, typeof(InvalidDataException)),

        // Checkpoint headers and tensors (ReaderFuzzTests.Damaged_checkpoints_are_read_or_refused).
        ["safetensors"] = new(path => Checkpoint.ReadTensors(path), 4_000_000, typeof(InvalidDataException)),

        // The sample's PNG/JPEG reader and the digit preprocessor, as `predict --image` runs them (ImageFuzzTests).
        ["image"] = new(
            path =>
            {
                (float[] luminance, int width, int height) = ImageFile.ReadGrayscale(path);
                MnistImagePreprocessor.ToMnist(luminance, width, height);
            },
            64_000_000,
            typeof(InvalidDataException),
            typeof(NoDigitFoundException)),

        // The ONNX importer (ImportFuzzTests in tests/ConvNet.Onnx.Tests): the protobuf, then the graph and its weights.
        ["onnx"] = new(path => RequireFinite(OnnxImport.LoadModel(path)), 4_000_000, typeof(InvalidDataException)),
    };

    /// <summary>An imported model holds no NaN or infinite weight or statistic, whatever its file said.</summary>
    private static void RequireFinite(Model model)
    {
        var tensors = model.Network.Parameters.Select(parameter => (parameter.Name, parameter.Parameter.Value))
            .Concat(model.Network.Layers.OfType<IStatefulLayer>().SelectMany(layer => layer.State).Select(state => (state.Name, state.Value)));
        foreach ((string name, FloatTensor value) in tensors)
        {
            foreach (float x in value.ReadOnlySpan)
            {
                if (!float.IsFinite(x))
                {
                    throw new ContractException($"The model was imported with {x} in {name}.");
                }
            }
        }
    }

    /// <summary>Writes <paramref name="input"/> to <paramref name="path"/> and reads it, checking the contract.</summary>
    /// <exception cref="ContractException">The reader broke its contract on this input.</exception>
    public void Check(string path, byte[] input)
    {
        File.WriteAllBytes(path, input);
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            Read(path);
        }
        catch (Exception exception) when (Array.IndexOf(Documented, exception.GetType()) >= 0)
        {
            if (exception is InvalidDataException && !exception.Message.Contains(path, StringComparison.Ordinal))
            {
                throw new ContractException($"The error does not name the file: {exception.Message}", exception);
            }

            if (exception.Message.Length >= MaxMessageLength)
            {
                throw new ContractException($"The error is {exception.Message.Length:N0} characters long.", exception);
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long bound = AllowanceBytes + (BytesPerInputByte * input.Length);
        if (allocated > bound)
        {
            throw new ContractException($"Reading a {input.Length:N0}-byte input allocated {allocated:N0} bytes (bound {bound:N0}).");
        }
    }
}
