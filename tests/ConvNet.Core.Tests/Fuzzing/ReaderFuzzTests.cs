using ConvNet.Core.Data;
using ConvNet.Core.Layers;
using ConvNet.Core.Models;
using ConvNet.Core.Networks;
using ConvNet.Core.Serialization;
using ConvNet.Core.Tensors;
using ConvNet.Core.Tests.Data;
using ConvNet.Core.Tests.TestNetworks;
using CsCheck;

namespace ConvNet.Core.Tests.Fuzzing;

/// <summary>
/// Mutation fuzzing of the readers of untrusted files: valid IDX, checkpoint and model files, damaged by
/// <see cref="Mutations"/>, must each come back as a value or as the reader's documented exception, never as
/// another exception, a hang or a large allocation. CsCheck prints the seed of a failing case; rerun it with
/// <c>CsCheck_Seed=SEED dotnet test --filter ReaderFuzzTests</c>. The longer runs are AFL++'s (fuzz/README.md).
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class ReaderFuzzTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Case(string name) => Path.Combine(_folder.Path, name);

    [Theory]
    [InlineData(false, 1500)]
    [InlineData(true, 500)]
    public void Damaged_IDX_image_files_are_read_or_refused(bool compressed, int cases)
    {
        byte[] valid = IdxTestFiles.Images(30, 28, 28, IdxTestFiles.PatternPixels(30 * 28 * 28));
        if (compressed)
        {
            valid = IdxTestFiles.Gzip(valid);
        }

        string path = Case("images-idx3-ubyte");
        Mutations.Of(valid).Sample(
            file => { ReaderOutcome.Check(path, file, target => IdxReader.ReadImages(target), 16_000_000, typeof(InvalidDataException)); },
            iter: cases,
            threads: 1);
    }

    [Fact]
    public void Damaged_IDX_label_files_are_read_or_refused()
    {
        byte[] valid = IdxTestFiles.Labels([.. Enumerable.Range(0, 200).Select(i => (byte)(i % 10))]);
        string path = Case("labels-idx1-ubyte");

        Mutations.Of(valid).Sample(
            file => { ReaderOutcome.Check(path, file, target => IdxReader.ReadLabels(target), 4_000_000, typeof(InvalidDataException)); },
            iter: 800,
            threads: 1);
    }

    [Fact]
    public void Damaged_checkpoints_are_read_or_refused()
    {
        string path = Case("checkpoint.safetensors");
        Checkpoint.Save(new LinearSoftmaxNetwork(inputSize: 5, classCount: 3), path, new Dictionary<string, string> { ["note"] = "fuzz" });
        byte[] valid = File.ReadAllBytes(path);

        Mutations.Of(valid).Sample(
            file => { ReaderOutcome.Check(path, file, target => Checkpoint.ReadTensors(target), 4_000_000, typeof(InvalidDataException)); },
            iter: 2000,
            threads: 1);
    }

    [Fact]
    public void Damaged_checkpoints_never_half_load_a_network()
    {
        string path = Case("checkpoint.safetensors");
        var saved = new LinearSoftmaxNetwork(inputSize: 5, classCount: 3, seed: 1);
        Checkpoint.Save(saved, path);
        byte[] valid = File.ReadAllBytes(path);
        var network = new LinearSoftmaxNetwork(inputSize: 5, classCount: 3, seed: 2);
        float[] before = [.. network.Parameters.SelectMany(parameter => parameter.Parameter.Value.ToArray())];
        string original = Case("original.safetensors");
        Checkpoint.Save(network, original);

        Mutations.Of(valid).Sample(
            file =>
            {
                bool loaded = ReaderOutcome.Check(path, file, target => Checkpoint.LoadInto(network, target), 4_000_000, typeof(InvalidDataException));
                if (!loaded)
                {
                    // A refused file leaves the network exactly as it was.
                    network.Parameters.SelectMany(parameter => parameter.Parameter.Value.ToArray()).Should().Equal(before);
                }
                else
                {
                    // Accepted: put the original weights back for the next case.
                    Checkpoint.LoadInto(network, original);
                }
            },
            iter: 1000,
            threads: 1);
    }

    [Fact]
    public void Damaged_self_describing_model_files_are_loaded_or_refused()
    {
        // A small network, so each damaged copy is quick to write and read.
        string path = Case("model.safetensors");
        new Model(new SequentialBuilder(new TensorShape(1, 8, 8)).Convolution(4, 3).Relu().MaxPool(2).Affine(10).Build(new SoftmaxWithLoss(), seed: 1), "fuzz")
            .Save(path);
        byte[] valid = File.ReadAllBytes(path);

        Mutations.One.Where(mutation => mutation.NearStart || mutation.Kind == 8).Array[1, 3].Select(mutations => Mutations.Apply(valid, mutations)).Sample(
            file => { ReaderOutcome.Check(path, file, target => Model.Load(target), 16_000_000, typeof(InvalidDataException)); },
            iter: 600,
            threads: 1);
    }

    [Fact]
    public void Damaged_model_files_of_the_seed_network_are_loaded_or_refused()
    {
        string path = Case("simple.safetensors");
        new Model(ModelCatalog.Create(ModelCatalog.Simple, seed: 1), ModelCatalog.Simple).Save(path);
        byte[] valid = File.ReadAllBytes(path);

        // The header is where a model file's structure is; mutations near the start reach it.
        Mutations.One.Where(mutation => mutation.NearStart || mutation.Kind == 8).Array[1, 3].Select(mutations => Mutations.Apply(valid, mutations)).Sample(
            file => { ReaderOutcome.Check(path, file, target => Model.Load(target), 64_000_000, typeof(InvalidDataException)); },
            iter: 150,
            threads: 1);
    }
}
