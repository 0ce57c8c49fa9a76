using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Networks;

public class NetworkSummaryTests
{
    [Fact]
    public void The_seed_network_has_the_shapes_parameters_and_flops_worked_out_by_hand()
    {
        NetworkSummary summary = SimpleConvNet.Create(seed: 1).Summary();

        summary.Layers.Select(layer => (layer.Name, layer.Kind, layer.OutputShape.ToString())).Should().Equal(
            ("conv1", "Convolution", "[30, 24, 24]"),
            ("relu1", "Relu", "[30, 24, 24]"),
            ("pool1", "Pooling", "[30, 12, 12]"),
            ("affine1", "Affine", "[100]"),
            ("relu2", "Relu", "[100]"),
            ("affine2", "Affine", "[10]"));

        // conv1: 30 filters of 1×5×5 + 30 biases; affine1: 4320 × 100 + 100; affine2: 100 × 10 + 10.
        summary.Layers.Select(layer => layer.ParameterCount).Should().Equal(780L, 0L, 0L, 432_100L, 0L, 1010L);
        summary.ParameterCount.Should().Be(433_890L);

        // conv1: 17,280 outputs, each 25 multiply-adds and a bias; pool1: 4,320 outputs of 2×2 windows.
        summary.Layers.Select(layer => layer.Flops).Should().Equal(
            (2L * 25 * 17_280) + 17_280, 17_280L, 4_320L * 4, (2L * 4320 * 100) + 100, 100L, (2L * 100 * 10) + 10);
        summary.Flops.Should().Be(summary.Layers.Sum(layer => layer.Flops!.Value));
    }

    [Fact]
    public void Rectangular_and_padded_layers_count_their_whole_windows()
    {
        NetworkSummary summary = ConvNet.Core.Tests.Models.TestModels.RectangularAndPadded(seed: 1).Summary();

        summary.Layers.Select(layer => layer.OutputShape.ToString()).Should().Equal(
            "[4, 6, 6]", "[4, 4, 3]", "[4, 4, 3]", "[3, 3, 3]", "[3, 3, 4]", "[5]");

        // conv1: 144 outputs, each 2·3·5 = 30 multiply-adds and a bias; pool1: 48 outputs of 2×3 windows (border included);
        // conv2: 27 outputs of 4·2·1 multiply-adds and a bias; pool2: 36 outputs of 3×2 windows.
        summary.Layers.Select(layer => layer.Flops).Should().Equal(
            (2L * 30 * 144) + 144, 48L * 6, 48L, (2L * 8 * 27) + 27, 36L * 6, (2L * 36 * 5) + 5);
    }

    [Fact]
    public void Batch_normalization_state_counts_apart_from_the_trainable_values()
    {
        NetworkSummary summary = BestConvNet.Create(seed: 1).Summary();

        LayerSummary bn1 = summary.Layers.Single(layer => layer.Name == "bn1");
        bn1.ParameterCount.Should().Be(64, "gamma and beta for 32 channels");
        bn1.StateCount.Should().Be(64, "running mean and variance for 32 channels");
        bn1.Flops.Should().Be(2L * 32 * 28 * 28);
        summary.ParameterCount.Should().Be(BestConvNet.Create(seed: 2).Parameters.Sum(named => (long)named.Parameter.Value.Length));
        summary.Layers[^1].OutputShape.Should().Be(new TensorShape(10));
    }

    [Fact]
    public void The_table_lists_every_layer_of_every_built_in_network_with_its_totals()
    {
        foreach (string name in ModelCatalog.Names)
        {
            INetwork network = ModelCatalog.Create(name, seed: 1);
            NetworkSummary summary = network.Summary();

            string table = summary.ToString();

            foreach (ILayer layer in network.Layers)
            {
                table.Should().Contain($"{layer.Name} ({layer.GetType().Name})");
            }

            table.Should().Contain($"Parameters: {summary.ParameterCount + summary.StateCount:N0}")
                .And.Contain($"Forward FLOPs per image: {summary.Flops:N0}")
                .And.NotContain("?");
        }
    }

    [Fact]
    public void A_layer_of_unknown_cost_shows_a_question_mark_and_is_left_out_of_the_total()
    {
        var network = new Sequential(
            new TensorShape(4), [new Affine("affine1", 4, 3), new ScaleLayer("scale1")], new SoftmaxWithLoss());

        NetworkSummary summary = network.Summary();

        summary.Layers[1].Flops.Should().BeNull();
        summary.Flops.Should().Be((2L * 12) + 3);
        summary.ToString().Should().Contain("?").And.Contain("not counted");
    }

    /// <summary>A layer the summary has never heard of.</summary>
    private sealed class ScaleLayer(string name) : ILayer
    {
        public string Name => name;

        public IReadOnlyList<Parameter> Parameters => [];

        public TensorShape GetOutputShape(TensorShape inputShape) => inputShape;

        public FloatTensor Forward(FloatTensor input, bool training) => input;

        public FloatTensor Backward(FloatTensor outputGradient) => outputGradient;
    }
}
