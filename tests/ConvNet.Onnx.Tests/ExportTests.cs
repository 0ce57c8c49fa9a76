using ConvNet.Core.Layers;
using ConvNet.Core.Models;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace ConvNet.Onnx.Tests;

/// <summary>What an exported file declares (read back by ONNX Runtime), the optional softmax output, files and errors.</summary>
public sealed class ExportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("convnet-onnx-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_model_declares_its_name_version_opset_and_a_dynamic_batch_axis()
    {
        var network = SimpleConvNet.Create(seed: 1);
        var options = new OnnxExportOptions
        {
            ModelName = "mnist-simple",
            Description = "SimpleConvNet for MNIST digits",
            Metadata = new Dictionary<string, string> { ["classes"] = "0,1,2,3,4,5,6,7,8,9" },
        };

        using var ort = new OrtRunner(Export(network, options));
        ModelMetadata metadata = ort.Session.ModelMetadata;
        metadata.GraphName.Should().Be("mnist-simple");
        metadata.ProducerName.Should().Be("ConvNet");
        metadata.Description.Should().Be("SimpleConvNet for MNIST digits");
        metadata.CustomMetadataMap.Should().Contain("classes", "0,1,2,3,4,5,6,7,8,9");
        metadata.CustomMetadataMap[OnnxExport.VersionKey].Should().StartWith(typeof(INetwork).Assembly.GetName().Version!.ToString(3));

        ort.Session.InputMetadata.Should().ContainSingle().Which.Key.Should().Be(OnnxExport.InputName);
        ort.Session.InputMetadata[OnnxExport.InputName].Dimensions.Should().Equal(-1, 1, 28, 28);
        ort.Session.InputMetadata[OnnxExport.InputName].SymbolicDimensions[0].Should().Be("batch");
        ort.Session.OutputMetadata.Keys.Should().Equal(OnnxExport.ScoresName);
        ort.Session.OutputMetadata[OnnxExport.ScoresName].Dimensions.Should().Equal(-1, 10);

        var model = OnnxExport.ToModel(network, null, options);
        model.OpsetImport.Should().ContainSingle().Which.Version.Should().Be(OnnxExport.OpsetVersion);
        OnnxExport.OpsetVersion.Should().BeGreaterThanOrEqualTo(17);
        model.Graph.Node.Select(node => node.OpType).Should().Equal("Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm");
        model.Graph.Initializer.Select(tensor => tensor.Name).Should().Equal(
            "conv1.weight", "conv1.bias", "affine1.weight", "affine1.bias", "affine2.weight", "affine2.bias");
    }

    [Fact]
    public void The_probabilities_output_is_the_softmax_of_the_scores()
    {
        var network = SimpleConvNet.Create(seed: 2);
        FloatTensor images = SyntheticImages.Create(5, seed: 1).Inputs;

        using var ort = new OrtRunner(Export(network, new OnnxExportOptions { IncludeProbabilities = true }));
        ort.Session.OutputMetadata.Keys.Should().Equal(OnnxExport.ScoresName, OnnxExport.ProbabilitiesName);
        float[] scores = ort.Run(images);
        float[] probabilities = ort.Run(images, OnnxExport.ProbabilitiesName);

        for (int item = 0; item < 5; item++)
        {
            float[] row = scores[(item * 10)..((item + 1) * 10)];
            double[] softmax = [.. row.Select(score => Math.Exp(score - row.Max()))];
            for (int k = 0; k < 10; k++)
            {
                probabilities[(item * 10) + k].Should().BeApproximately((float)(softmax[k] / softmax.Sum()), 1e-6f);
            }
        }
    }

    [Fact]
    public void Saving_to_a_path_writes_the_same_bytes_as_a_stream_and_replaces_the_file()
    {
        var network = SimpleConvNet.Create(seed: 1);
        string path = Path.Combine(_folder, "model.onnx");
        File.WriteAllText(path, "an older file");

        OnnxExport.Save(network, path);

        File.ReadAllBytes(path).Should().Equal(Export(network));
        Directory.GetFiles(_folder).Should().Equal(path);
    }

    [Fact]
    public void Saving_into_a_missing_folder_names_it()
    {
        string path = Path.Combine(_folder, "missing", "model.onnx");
        var save = () => OnnxExport.Save(SimpleConvNet.Create(seed: 1), path);
        save.Should().Throw<DirectoryNotFoundException>().WithMessage($"*'{Path.Combine(_folder, "missing")}'*");
    }

    [Fact]
    public void A_layer_without_an_ONNX_form_is_refused_by_name_and_nothing_is_written()
    {
        var network = new Sequential(
            new TensorShape(4), [new Affine("affine1", 4, 3), new Squash("squash1")], new SoftmaxWithLoss());
        string path = Path.Combine(_folder, "model.onnx");

        var save = () => OnnxExport.Save(network, path);

        save.Should().Throw<NotSupportedException>().WithMessage("Layer 'squash1' (Squash) has no ONNX form*");
        Directory.GetFiles(_folder).Should().BeEmpty();
    }

    [Fact]
    public void The_library_prefix_is_reserved_in_the_metadata()
    {
        var options = new OnnxExportOptions { Metadata = new Dictionary<string, string> { [OnnxExport.VersionKey] = "9" } };
        var save = () => Export(SimpleConvNet.Create(seed: 1), options);
        save.Should().Throw<ArgumentException>().WithMessage($"*'{OnnxExport.VersionKey}'*prefix 'convnet.'*");
    }

    [Fact]
    public void A_Model_travels_with_its_name_class_names_accuracy_and_properties()
    {
        var network = SimpleConvNet.Create(seed: 1);
        string[] classNames = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
        var model = new Model(network, "digits")
        {
            ClassNames = classNames,
            TestAccuracy = 0.9887,
            Properties = new Dictionary<string, string> { ["recipe"] = "adam 10 epochs" },
        };
        string path = Path.Combine(_folder, "digits.onnx");

        OnnxExport.Save(model, path, new OnnxExportOptions { Metadata = new Dictionary<string, string> { ["owner"] = "team" } });

        using (var ort = new OrtRunner(File.ReadAllBytes(path)))
        {
            ort.Session.ModelMetadata.GraphName.Should().Be("digits");
            ort.Session.ModelMetadata.CustomMetadataMap.Should().Contain("convnet.name", "digits")
                .And.Contain("convnet.test_accuracy", "0.9887").And.Contain("recipe", "adam 10 epochs").And.Contain("owner", "team");
        }

        Model loaded = OnnxImport.LoadModel(path);
        loaded.Name.Should().Be("digits");
        loaded.ClassNames.Should().Equal(classNames);
        loaded.TestAccuracy.Should().Be(0.9887);
        loaded.Properties.Should().Equal(new Dictionary<string, string> { ["recipe"] = "adam 10 epochs", ["owner"] = "team" });
        FloatTensor images = SyntheticImages.Create(3, seed: 1).Inputs;
        loaded.Network.Predict(images).ToArray().Should().Equal(network.Predict(images).ToArray());
    }

    private static byte[] Export(INetwork network, OnnxExportOptions? options = null)
    {
        using var stream = new MemoryStream();
        OnnxExport.Save(network, stream, options);
        return stream.ToArray();
    }

    /// <summary>A layer of the user's own, which the exporter cannot know.</summary>
    private sealed class Squash(string name) : ILayer
    {
        public string Name { get; } = name;

        public IReadOnlyList<Parameter> Parameters => [];

        public TensorShape GetOutputShape(TensorShape inputShape) => inputShape;

        public FloatTensor Forward(FloatTensor input, bool training) => input.Clone();

        public FloatTensor Backward(FloatTensor outputGradient) => outputGradient.Clone();
    }
}
