namespace ConvNet.Web;

/// <summary>The answer of <c>POST /api/predict</c>.</summary>
/// <param name="Digit">The most probable digit.</param>
/// <param name="Probabilities">The probability of each digit 0 to 9 (softmax of the network's scores).</param>
/// <param name="Image">The 28×28 image the network saw, row-major, ink 1 on background 0.</param>
internal sealed record DigitPrediction(int Digit, float[] Probabilities, float[] Image);
