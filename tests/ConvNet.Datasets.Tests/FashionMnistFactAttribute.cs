using ConvNet.Core.Data;
using ConvNet.Datasets;

namespace ConvNet.Datasets.Tests;

/// <summary>A fact that is reported as skipped, with the install command, where Fashion-MNIST is not installed.</summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    public FashionMnistFactAttribute()
    {
        if (!Directory.Exists(MnistDataset.DebianFashionMnistFolder))
        {
            Skip = $"Fashion-MNIST is not installed in {MnistDataset.DebianFashionMnistFolder} (sudo apt-get install dataset-fashion-mnist).";
        }
    }
}
