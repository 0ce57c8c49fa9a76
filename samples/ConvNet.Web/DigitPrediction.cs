namespace ConvNet.Web;

/// <summary>The answer of <c>POST /api/predict</c>.</summary>
/// <param name="Digit">The most probable class (for MNIST models, the digit).</param>
/// <param name="Label">Its label: the model's class name, or the class number as text.</param>
/// <param name="Probabilities">The probability of each class, in class order.</param>
/// <param name="Image">The 28×28 image the network saw, row-major, ink 1 on background 0.</param>
internal sealed record DigitPrediction(int Digit, string Label, float[] Probabilities, float[] Image);
