using ConvNet.Core.Networks;
using ConvNet.Core.Serialization;

namespace ConvNet.Mnist;

/// <summary>Saves a trained SimpleConvNet as a checkpoint and rebuilds it from one.</summary>
internal static class ModelFile
{
    private const string ModelKey = "convnet.model";
    private const string SimpleModel = "simple";

    public static INetwork Create(int seed) => new SimpleConvNet(new SimpleConvNetOptions(), seed);

    public static void Save(INetwork network, string path) =>
        Checkpoint.Save(network, path, new Dictionary<string, string> { [ModelKey] = SimpleModel });

    public static INetwork Load(string path)
    {
        INetwork network = Create(seed: 0);
        Checkpoint.LoadInto(network, path);
        return network;
    }
}
