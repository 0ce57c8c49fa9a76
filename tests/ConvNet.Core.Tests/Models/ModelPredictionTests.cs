using ConvNet.Core.Layers;
using ConvNet.Core.Models;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Models;

public class ModelPredictionTests
{
    private static readonly string[] Shapes = ["circle", "square", "triangle", "star", "ring"];

    private static Model EveryLayerModel() => new(TestModels.EveryLayer(seed: 21), "shapes") { ClassNames = Shapes };

    private static FloatTensor Inputs(Model model, int count, int seed = 5) =>
        TestTensors.Uniform(new Random(seed), [count, .. model.Network.InputShape.ToArray()]);

    /// <summary>softmax computed in double from the network's own scores.</summary>
    private static double[] ReferenceProbabilities(ReadOnlySpan<float> scores)
    {
        double max = scores.ToArray().Max();
        double[] exponentials = scores.ToArray().Select(score => Math.Exp(score - max)).ToArray();
        double sum = exponentials.Sum();
        return exponentials.Select(value => value / sum).ToArray();
    }

    [Fact]
    public void Probabilities_are_the_softmax_of_the_scores_of_every_item()
    {
        Model model = EveryLayerModel();
        FloatTensor inputs = Inputs(model, 6);
        FloatTensor scores = model.Network.Predict(inputs);

        FloatTensor probabilities = model.PredictProbabilities(inputs);

        probabilities.Shape.Should().Be(new TensorShape(6, 5));
        for (int item = 0; item < 6; item++)
        {
            double[] expected = ReferenceProbabilities(scores.ReadOnlySpan.Slice(item * 5, 5));
            float[] row = probabilities.ReadOnlySpan.Slice(item * 5, 5).ToArray();
            for (int i = 0; i < 5; i++)
            {
                row[i].Should().BeApproximately((float)expected[i], 1e-6f);
            }

            row.Sum().Should().BeApproximately(1f, 1e-5f);
        }
    }

    [Fact]
    public void Span_overloads_write_the_same_bits_as_the_tensor_overloads_into_the_callers_buffers()
    {
        Model model = EveryLayerModel();
        FloatTensor inputs = Inputs(model, 4);
        float[] expectedProbabilities = model.PredictProbabilities(inputs).ToArray();
        ClassScore[][] expectedTop = model.PredictTopK(inputs, k: 3);

        float[] probabilities = new float[4 * 5];
        model.PredictProbabilities(inputs.ReadOnlySpan, probabilities);
        var top = new ClassScore[4 * 3];
        model.PredictTopK(inputs.ReadOnlySpan, 3, top);

        probabilities.Should().Equal(expectedProbabilities);
        top.Should().Equal(expectedTop.SelectMany(scores => scores));
    }

    [Fact]
    public void Top_k_ranks_classes_by_probability_with_their_labels()
    {
        Model model = EveryLayerModel();
        FloatTensor inputs = Inputs(model, 5);
        float[] probabilities = model.PredictProbabilities(inputs).ToArray();

        ClassScore[][] top = model.PredictTopK(inputs, k: 5);

        for (int item = 0; item < 5; item++)
        {
            int[] expectedOrder = Enumerable.Range(0, 5).OrderByDescending(c => probabilities[(item * 5) + c]).ThenBy(c => c).ToArray();
            top[item].Select(score => score.ClassIndex).Should().Equal(expectedOrder);
            top[item].Select(score => score.Label).Should().Equal(expectedOrder.Select(c => Shapes[c]));
            top[item].Select(score => score.Probability).Should().Equal(expectedOrder.Select(c => probabilities[(item * 5) + c]));
        }

        model.PredictTopK(inputs, k: 2).Select(scores => scores.Length).Should().AllBeEquivalentTo(2);
    }

    [Fact]
    public void Equal_probabilities_keep_class_index_order()
    {
        // Zero weights: every class scores the same.
        Sequential network = new SequentialBuilder(new TensorShape(4)).Affine(6).Build(new SoftmaxWithLoss(), seed: 1, standardDeviation: 0f);
        var model = new Model(network, "flat");

        ClassScore[] top = model.PredictTopK(FloatTensor.FromSpan(new TensorShape(1, 4), [1f, 2f, 3f, 4f]), k: 6)[0];

        top.Select(score => score.ClassIndex).Should().Equal(0, 1, 2, 3, 4, 5);
        top.Select(score => score.Label).Should().Equal("0", "1", "2", "3", "4", "5");
        top.Select(score => score.Probability).Should().AllBeEquivalentTo(top[0].Probability);
        top[0].Probability.Should().BeApproximately(1f / 6, 1e-7f);
    }

    [Fact]
    public void A_grey_image_is_scaled_like_the_IDX_reader_and_classified()
    {
        Sequential network = new SequentialBuilder(new TensorShape(1, 6, 5))
            .Convolution(3, kernelSize: 3).Relu().Affine(4).Build(new SoftmaxWithLoss(), seed: 8, standardDeviation: 0.5f);
        var model = new Model(network, "grey");
        byte[] pixels = Enumerable.Range(0, 30).Select(i => (byte)((i * 37) % 256)).ToArray();
        FloatTensor scaled = FloatTensor.FromSpan(new TensorShape(1, 1, 6, 5), pixels.Select(p => p / 255f).ToArray());
        float[] expected = model.PredictProbabilities(scaled).ToArray();

        float[] probabilities = new float[4];
        model.PredictImage(pixels, probabilities);
        ClassScore[] top = model.PredictImage(pixels, k: 2);

        probabilities.Should().Equal(expected);
        top.Should().Equal(model.PredictTopK(scaled, k: 2)[0]);
    }

    [Fact]
    public void Wrong_sizes_are_named()
    {
        Model model = EveryLayerModel();
        FluentActions.Invoking(() => model.PredictProbabilities(new float[359], new float[5])).Should().Throw<ArgumentException>()
            .WithMessage("Items must be whole inputs of [3, 12, 10] (360 values each), at least one; got 359 values.*items*");
        FluentActions.Invoking(() => model.PredictProbabilities(new float[720], new float[5])).Should().Throw<ArgumentException>()
            .WithMessage("Expected 10 values (2 items × 5 classes); got 5.*probabilities*");
        FluentActions.Invoking(() => model.PredictTopK(new float[360], 2, new ClassScore[3])).Should().Throw<ArgumentException>()
            .WithMessage("Expected 2 values (1 items × k = 2); got 3.*destination*");
        FluentActions.Invoking(() => model.PredictTopK(Inputs(model, 1), 6)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*k must be 1 to the class count (5)*");
        FluentActions.Invoking(() => model.PredictTopK(Inputs(model, 1), 0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => model.PredictImage(new byte[360], 1)).Should().Throw<ArgumentException>()
            .WithMessage("A grey image has one channel; this network takes 3 (input [3, 12, 10]).*grayPixels*");
        FluentActions.Invoking(() => model.PredictProbabilities(TestTensors.Uniform(new Random(1), 2, 3, 12, 11))).Should().Throw<ArgumentException>()
            .WithMessage("*expects input [batch, 3, 12, 10]*");
    }

    [Fact]
    public void Predictions_do_not_change_the_callers_input_even_when_the_network_ends_in_a_view_of_it()
    {
        Sequential flatten = new(new TensorShape(2, 3), [new Flatten("flatten1")], new SoftmaxWithLoss());
        var model = new Model(flatten, "identity");
        FloatTensor input = FloatTensor.FromSpan(new TensorShape(1, 2, 3), [1f, 2f, 3f, 4f, 5f, 6f]);

        FloatTensor probabilities = model.PredictProbabilities(input);
        FloatTensor scores = flatten.Predict(input);

        input.ToArray().Should().Equal(1f, 2f, 3f, 4f, 5f, 6f);
        scores.ToArray().Should().Equal(1f, 2f, 3f, 4f, 5f, 6f);
        probabilities.ToArray().Sum().Should().BeApproximately(1f, 1e-6f);
    }

    [Fact]
    public void Concurrent_calls_of_every_entry_point_give_the_same_bits_as_sequential_ones()
    {
        Model model = EveryLayerModel();
        FloatTensor[] inputs = Enumerable.Range(0, 12).Select(i => Inputs(model, 1 + (i % 5), seed: 100 + i)).ToArray();
        var sequential = inputs.Select(Run).ToArray();

        var concurrent = new (float[] Scores, float[] Probabilities, float[] SpanProbabilities, ClassScore[] Top)[inputs.Length * 8];
        Parallel.For(0, concurrent.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => concurrent[i] = Run(inputs[i % inputs.Length]));

        for (int i = 0; i < concurrent.Length; i++)
        {
            var expected = sequential[i % inputs.Length];
            concurrent[i].Scores.Should().Equal(expected.Scores);
            concurrent[i].Probabilities.Should().Equal(expected.Probabilities);
            concurrent[i].SpanProbabilities.Should().Equal(expected.Probabilities);
            concurrent[i].Top.Should().Equal(expected.Top);
        }

        (float[] Scores, float[] Probabilities, float[] SpanProbabilities, ClassScore[] Top) Run(FloatTensor input)
        {
            float[] spanProbabilities = new float[input.Shape[0] * 5];
            model.PredictProbabilities(input.ReadOnlySpan, spanProbabilities);
            return (model.Network.Predict(input).ToArray(), model.PredictProbabilities(input).ToArray(), spanProbabilities,
                model.PredictTopK(input, k: 3).SelectMany(scores => scores).ToArray());
        }
    }
}
