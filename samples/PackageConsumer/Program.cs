using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;

// Proves the packed ConvNet.Core works for an outside app: build the seed's network, score a blank image.
var network = new SimpleConvNet(new SimpleConvNetOptions(), seed: 1);
FloatTensor scores = network.Predict(new FloatTensor(1, 1, 28, 28));
Console.WriteLine($"ConvNet.Core package: SimpleConvNet maps a zero image [1, 1, 28, 28] to scores {scores.Shape}");
return scores.Shape == new TensorShape(1, 10) ? 0 : 1;
