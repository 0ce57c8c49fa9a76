using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.TestNetworks;

/// <summary>
/// scores = input · weight + bias + offset, where offset is a non-trainable state tensor (standing in for
/// batch-normalization statistics) so checkpoints and early stopping can be tested on state too.
/// </summary>
internal sealed class LinearLayer : IStatefulLayer
{
    private readonly Parameter _weight;
    private readonly Parameter _bias;
    private FloatTensor? _lastInput;

    public LinearLayer(string name, int inputSize, int outputSize)
    {
        Name = name;
        _weight = new Parameter("weight", new FloatTensor(inputSize, outputSize));
        _bias = new Parameter("bias", new FloatTensor(outputSize));
        Parameters = [_weight, _bias];
        State = [new StateTensor("offset", new FloatTensor(outputSize))];
    }

    public string Name { get; }

    public IReadOnlyList<Parameter> Parameters { get; }

    public IReadOnlyList<StateTensor> State { get; }

    public FloatTensor Weight => _weight.Value;

    public FloatTensor Bias => _bias.Value;

    public FloatTensor Offset => State[0].Value;

    public TensorShape GetOutputShape(TensorShape inputShape) => new(inputShape[0], _weight.Shape[1]);

    public FloatTensor Forward(FloatTensor input, bool training)
    {
        int batch = input.Shape[0], inputs = _weight.Shape[0], outputs = _weight.Shape[1];
        var output = new FloatTensor(batch, outputs);
        for (int n = 0; n < batch; n++)
        {
            for (int o = 0; o < outputs; o++)
            {
                float sum = _bias.Value.Span[o] + Offset.Span[o];
                for (int i = 0; i < inputs; i++)
                {
                    sum += input[n, i] * _weight.Value[i, o];
                }

                output[n, o] = sum;
            }
        }

        if (training)
        {
            _lastInput = input;
        }

        return output;
    }

    public FloatTensor Backward(FloatTensor outputGradient)
    {
        var input = _lastInput ?? throw new InvalidOperationException("Backward before Forward.");
        int batch = input.Shape[0], inputs = _weight.Shape[0], outputs = _weight.Shape[1];
        var inputGradient = new FloatTensor(batch, inputs);
        _weight.Gradient.Clear();
        _bias.Gradient.Clear();
        for (int n = 0; n < batch; n++)
        {
            for (int o = 0; o < outputs; o++)
            {
                float gradient = outputGradient[n, o];
                _bias.Gradient.Span[o] += gradient;
                for (int i = 0; i < inputs; i++)
                {
                    _weight.Gradient[i, o] += input[n, i] * gradient;
                    inputGradient[n, i] += _weight.Value[i, o] * gradient;
                }
            }
        }

        return inputGradient;
    }
}
