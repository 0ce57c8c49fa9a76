using ConvNet.Core.Models;
using ConvNet.Core.Tensors;

namespace ConvNet.Web;

/// <summary>
/// The one model the app serves, loaded once and shared by every request: <see cref="Model"/>'s predictions are safe
/// from many threads at once (and bit-identical to sequential calls), so no lock is needed.
/// </summary>
internal sealed class DigitClassifier(Model model, string source, ILogger logger)
{
    /// <summary>What the model is and where it came from.</summary>
    public ModelDescription Description { get; } = ModelDescription.Of(model, source);

    /// <summary>The class of an image in the network's input form.</summary>
    /// <param name="image">A [1, 1, 28, 28] image, ink 1 on background 0.</param>
    public DigitPrediction Predict(FloatTensor image)
    {
        ClassScore[] ranked = model.PredictTopK(image, k: model.Network.ClassCount)[0];   // every class, most probable first
        var probabilities = new float[ranked.Length];
        foreach (ClassScore score in ranked)
        {
            probabilities[score.ClassIndex] = score.Probability;
        }

        Log.Predicted(logger, ranked[0].Label, ranked[0].Probability);
        return new DigitPrediction(ranked[0].ClassIndex, ranked[0].Label, probabilities, image.ToArray());
    }
}
