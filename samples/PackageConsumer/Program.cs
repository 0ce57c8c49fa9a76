using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;
using ConvNet.Datasets;
using ConvNet.Onnx;

// Proves the packed packages work for an outside app: build the seed's network, score a blank image, bring a
// drawn digit (a grey bar on white) into MNIST's 28×28 form with the datasets package, and take the network through
// ONNX and back with the ONNX package.
var network = SimpleConvNet.Create(seed: 1);
FloatTensor scores = network.Predict(new FloatTensor(1, 1, 28, 28));
Console.WriteLine($"ConvNet.Core package: SimpleConvNet maps a zero image [1, 1, 28, 28] to scores {scores.Shape}");

float[] picture = new float[40 * 40];
Array.Fill(picture, 1f);
for (int y = 8; y < 32; y++)
{
    picture[(y * 40) + 20] = 0f;
}

FloatTensor digit = MnistImagePreprocessor.ToMnist(picture, 40, 40);
float ink = digit.ReadOnlySpan.ToArray().Max();
Console.WriteLine($"ConvNet.Datasets package: a 40×40 picture of a stroke becomes {digit.Shape}, ink {ink:0.00}");
using var onnx = new MemoryStream();
OnnxExport.Save(network, onnx);
onnx.Position = 0;
Sequential imported = OnnxImport.Load(onnx);
bool sameScores = imported.Predict(digit).ToArray().SequenceEqual(network.Predict(digit).ToArray());
Console.WriteLine($"ConvNet.Onnx package: {onnx.Length} bytes of ONNX import as {imported.Layers.Count} layers; same scores: {sameScores}");
return scores.Shape == new TensorShape(1, 10) && digit.Shape == new TensorShape(1, 1, 28, 28) && ink > 0.5f && sameScores ? 0 : 1;
