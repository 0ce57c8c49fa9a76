using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;
using ConvNet.Mnist;

namespace ConvNet.Web;

/// <summary>
/// The one network the app serves, loaded once and shared by every request: <see cref="INetwork.Predict"/> is safe
/// to call from many threads at once, so no lock is needed.
/// </summary>
internal sealed class DigitClassifier(INetwork network, ModelDescription description, ILogger logger)
{
    /// <summary>What the network is and where it came from.</summary>
    public ModelDescription Description { get; } = description;

    /// <summary>The digit in an MNIST-style image.</summary>
    /// <param name="image">A [1, 1, 28, 28] image, ink 1 on background 0.</param>
    public DigitPrediction Predict(FloatTensor image)
    {
        float[] probabilities = Probabilities.Softmax(network.Predict(image).ReadOnlySpan);
        int digit = Array.IndexOf(probabilities, probabilities.Max());
        Log.Predicted(logger, digit, probabilities[digit]);
        return new DigitPrediction(digit, probabilities, image.ToArray());
    }
}
