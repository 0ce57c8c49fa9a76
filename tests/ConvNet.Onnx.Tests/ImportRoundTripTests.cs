using ConvNet.Core.Data;
using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Optimizers;

namespace ConvNet.Onnx.Tests;

/// <summary>A network exported and imported again is the same network: same parameters, same scores, and it trains.</summary>
public sealed class ImportRoundTripTests
{
    public static TheoryData<string> Networks => new(ModelCatalog.Simple, ModelCatalog.Deep, ModelCatalog.Best, "every-layer", "rectangular-padded");

    [Theory]
    [MemberData(nameof(Networks))]
    public void Imported_network_has_the_same_parameters_and_predicts_bit_identically(string name)
    {
        INetwork original = TestNetworks.Create(name);
        LabeledDataset images = SyntheticImages.Create(60, seed: 2);
        TestNetworks.TrainBriefly(original, images, steps: 2);

        Sequential imported = RoundTrip(original);

        imported.InputShape.Should().Be(original.InputShape);
        imported.Parameters.Select(parameter => (parameter.Name, parameter.Parameter.Shape))
            .Should().Equal(original.Parameters.Select(parameter => (parameter.Name, parameter.Parameter.Shape)));
        for (int i = 0; i < original.Parameters.Count; i++)
        {
            imported.Parameters[i].Parameter.Value.ToArray().Should().Equal(original.Parameters[i].Parameter.Value.ToArray(), original.Parameters[i].Name);
        }

        imported.Predict(images.Inputs).ToArray().Should().Equal(original.Predict(images.Inputs).ToArray());
    }

    [Theory]
    [InlineData("every-layer")]
    [InlineData("rectangular-padded")]
    public void Hyper_parameters_survive_the_round_trip(string name)
    {
        var original = (Sequential)TestNetworks.Create(name);
        Sequential imported = RoundTrip(original);

        // Affine layers that read images get an explicit Flatten in ONNX (Gemm takes a matrix); every-layer has its own.
        imported.Layers.Select(Describe).Should().Equal(original.Layers.Select(Describe));
    }

    [Fact]
    public void An_imported_network_fine_tunes_its_imported_weights()
    {
        Sequential imported = RoundTrip(TestNetworks.EveryLayer(seed: 1));
        LabeledDataset batch = SyntheticImages.Create(40, seed: 3);
        float[] before = imported.Parameters[0].Parameter.Value.ToArray();
        var adam = new Adam(imported, 0.01f);
        float[] losses = new float[30];
        for (int step = 0; step < losses.Length; step++)
        {
            losses[step] = imported.ComputeGradients(batch.Inputs, batch.LabelSpan);
            adam.Step();
        }

        // Training-mode losses: the batch-normalization running statistics lag behind thirty quick steps.
        losses[^1].Should().BeLessThan(losses[0] / 2, "thirty steps on one batch learn it");
        imported.Parameters[0].Parameter.Value.ToArray().Should().NotEqual(before);
    }

    private static Sequential RoundTrip(INetwork network)
    {
        using var stream = new MemoryStream();
        OnnxExport.Save(network, stream);
        stream.Position = 0;
        return OnnxImport.Load(stream, "round-trip.onnx");
    }

    private static string Describe(ILayer layer) => layer switch
    {
        Convolution c => $"{c.Name} conv {c.InputChannels}->{c.FilterCount} k{c.KernelHeight}x{c.KernelWidth} s{c.Stride} p{c.Padding}",
        Pooling p => $"{p.Name} {p.Mode} k{p.PoolHeight}x{p.PoolWidth} s{p.Stride} p{p.Padding}",
        Affine a => $"{a.Name} affine {a.InputSize}->{a.OutputSize}",
        BatchNormalization b => $"{b.Name} bn {b.FeatureCount} m{b.Momentum} e{b.Epsilon}",
        Dropout d => $"{d.Name} dropout {d.Rate}",
        LeakyRelu l => $"{l.Name} leaky {l.Slope}",
        _ => $"{layer.Name} {layer.GetType().Name}",
    };
}
