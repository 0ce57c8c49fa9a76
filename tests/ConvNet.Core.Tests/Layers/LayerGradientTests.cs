using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;
using ConvNet.Core.Training;

namespace ConvNet.Core.Tests.Layers;

/// <summary>Central-difference checks of every layer on non-square, multi-channel batches: input and parameter gradients.</summary>
public class LayerGradientTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    public void Convolution_gradients_match_central_differences(int stride, int padding)
    {
        var random = new Random(10 + stride + (10 * padding));
        var layer = new Convolution("conv", inputChannels: 3, filterCount: 4, kernelSize: 3, stride, padding);
        WeightInitialization.Normal(layer.Weight.Value, 0.5f, random);
        WeightInitialization.Normal(layer.Bias.Value, 0.5f, random);
        FloatTensor input = TestTensors.Uniform(random, 3, 3, 7, 6);

        GradientCheckReport report = GradientCheck.CheckLayer(layer, input, seed: 1);

        report.Entries.Select(entry => entry.Name).Should().Equal("input", "weight", "bias");
        report.Passes.Should().BeTrue(report.ToString());
    }

    [Fact]
    public void A_rectangular_convolution_with_stride_and_padding_matches_central_differences()
    {
        var random = new Random(15);
        var layer = new Convolution("conv", inputChannels: 2, filterCount: 3, kernelSize: (3, 5), stride: 2, padding: 1);
        WeightInitialization.Normal(layer.Weight.Value, 0.5f, random);
        WeightInitialization.Normal(layer.Bias.Value, 0.5f, random);
        FloatTensor input = TestTensors.Uniform(random, 2, 2, 8, 9);

        GradientCheckReport report = GradientCheck.CheckLayer(layer, input, seed: 5);

        layer.Weight.Value.Shape.Should().Be(new TensorShape(3, 2, 3, 5));
        report.Entries.Select(entry => entry.Name).Should().Equal("input", "weight", "bias");
        report.Passes.Should().BeTrue(report.ToString());
    }

    [Theory]
    [InlineData(PoolingMode.Max, 2, 3, 2, 1)]
    [InlineData(PoolingMode.Max, 3, 2, 1, 1)]
    [InlineData(PoolingMode.Max, 3, 3, 2, 2)]
    [InlineData(PoolingMode.Average, 2, 3, 2, 1)]
    [InlineData(PoolingMode.Average, 3, 2, 1, 1)]
    [InlineData(PoolingMode.Average, 3, 3, 2, 2)]
    public void Padded_rectangular_pooling_gradients_match_central_differences(PoolingMode mode, int poolHeight, int poolWidth, int stride, int padding)
    {
        var random = new Random(25 + poolHeight + (3 * poolWidth) + (10 * stride) + (100 * padding));
        var layer = new Pooling("pool", (poolHeight, poolWidth), stride, mode, padding);

        // Distinct values, none within 0.025 of the zero border, so a step of the check never crosses a tie with it;
        // half are negative, so the border wins some max windows (and passes those gradients to nobody).
        FloatTensor input = mode == PoolingMode.Max ? TestTensors.Distinct(random, 3, 2, 7, 6) : TestTensors.Uniform(random, 3, 2, 7, 6);
        if (mode == PoolingMode.Max)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(input.Span, 0.025f, input.Span);
        }

        GradientCheckReport report = GradientCheck.CheckLayer(layer, input, seed: 6);

        report.Entries.Select(entry => entry.Name).Should().Equal("input");
        report.Passes.Should().BeTrue(report.ToString());
    }

    [Theory]
    [InlineData(PoolingMode.Max, 2, 2)]
    [InlineData(PoolingMode.Max, 3, 1)]
    [InlineData(PoolingMode.Max, 2, 1)]
    [InlineData(PoolingMode.Average, 2, 2)]
    [InlineData(PoolingMode.Average, 3, 1)]
    [InlineData(PoolingMode.Average, 3, 2)]
    public void Pooling_gradients_match_central_differences(PoolingMode mode, int poolSize, int stride)
    {
        var random = new Random(20 + poolSize + (10 * stride));
        var layer = new Pooling("pool", poolSize, stride, mode);
        // Max pooling is piecewise linear: distinct window values keep every perturbation on one side of a kink.
        FloatTensor input = mode == PoolingMode.Max ? TestTensors.Distinct(random, 3, 2, 7, 6) : TestTensors.Uniform(random, 3, 2, 7, 6);

        GradientCheckReport report = GradientCheck.CheckLayer(layer, input, seed: 2);

        report.Entries.Select(entry => entry.Name).Should().Equal("input");
        report.Passes.Should().BeTrue(report.ToString());
    }

    [Fact]
    public void Affine_gradients_match_central_differences_on_a_4D_input()
    {
        var random = new Random(30);
        var layer = new Affine("affine", inputSize: 2 * 3 * 4, outputSize: 5);
        WeightInitialization.Normal(layer.Weight.Value, 0.5f, random);
        WeightInitialization.Normal(layer.Bias.Value, 0.5f, random);
        FloatTensor input = TestTensors.Uniform(random, 3, 2, 3, 4);

        GradientCheckReport report = GradientCheck.CheckLayer(layer, input, seed: 3);

        report.Entries.Select(entry => entry.Name).Should().Equal("input", "weight", "bias");
        report["input"].Shape.Should().Be(input.Shape);
        report.Passes.Should().BeTrue(report.ToString());
    }

    [Fact]
    public void Relu_gradients_match_central_differences()
    {
        var layer = new Relu("relu");
        FloatTensor input = TestTensors.AwayFromZero(new Random(40), 3, 2, 5, 4);

        GradientCheckReport report = GradientCheck.CheckLayer(layer, input, seed: 4);

        report.Passes.Should().BeTrue(report.ToString());
    }

    [Fact]
    public void Every_batch_item_receives_a_gradient()
    {
        // The check's upstream gradient reaches every item; make sure no item's input gradient is silently zero.
        var random = new Random(50);
        var layer = new Convolution("conv", 2, 3, 3, stride: 2, padding: 1);
        WeightInitialization.Normal(layer.Weight.Value, 0.5f, random);
        FloatTensor input = TestTensors.Uniform(random, 4, 2, 5, 6);
        layer.Forward(input, training: true);
        FloatTensor inputGradient = layer.Backward(TestTensors.Uniform(random, layer.GetOutputShape(input.Shape).ToArray()));
        for (int item = 0; item < 4; item++)
        {
            inputGradient.SliceBatch(item, 1).ToArray().Should().Contain(value => value != 0f, $"item {item} must get a gradient");
        }
    }

    [Fact]
    public void SoftmaxWithLoss_gradient_matches_central_differences_of_its_loss()
    {
        var random = new Random(60);
        FloatTensor scores = TestTensors.Uniform(random, 4, 5);
        int[] labels = [0, 4, 2, 2];
        var loss = new SoftmaxWithLoss();
        loss.Forward(scores, labels);
        float[] analytic = loss.Backward().ToArray();

        for (int i = 0; i < scores.Length; i++)
        {
            float original = scores.Span[i];
            scores.Span[i] = original + 1e-3f;
            double plus = loss.Evaluate(scores, labels);
            scores.Span[i] = original - 1e-3f;
            double minus = loss.Evaluate(scores, labels);
            scores.Span[i] = original;
            double numeric = (plus - minus) / ((double)(original + 1e-3f) - (original - 1e-3f));
            analytic[i].Should().BeApproximately((float)numeric, 1e-5f, $"element {i}");
        }
    }
}
