namespace ConvNet.Core.Layers;

/// <summary>
/// Fan-based weight initializations: the spread of the random values follows from the weight's fan-in and fan-out
/// (see <see cref="WeightInitialization.Fans"/>). For the seed's fixed spread use <see cref="WeightInitialization.Normal"/>.
/// </summary>
public enum WeightInitScheme
{
    /// <summary>He (Kaiming) normal: N(0, 2 / fanIn), for ReLU networks.</summary>
    HeNormal,

    /// <summary>He (Kaiming) uniform: U(−√(6 / fanIn), √(6 / fanIn)).</summary>
    HeUniform,

    /// <summary>Xavier (Glorot) normal: N(0, 2 / (fanIn + fanOut)), for tanh and sigmoid networks.</summary>
    XavierNormal,

    /// <summary>Xavier (Glorot) uniform: U(−√(6 / (fanIn + fanOut)), √(6 / (fanIn + fanOut))).</summary>
    XavierUniform,

    /// <summary>LeCun normal: N(0, 1 / fanIn).</summary>
    LeCunNormal,

    /// <summary>LeCun uniform: U(−√(3 / fanIn), √(3 / fanIn)).</summary>
    LeCunUniform,
}
