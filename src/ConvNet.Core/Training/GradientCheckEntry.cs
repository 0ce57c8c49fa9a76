using ConvNet.Core.Tensors;

namespace ConvNet.Core.Training;

/// <summary>How well the analytic gradient of one tensor (a parameter, or a layer's input) matches central differences.</summary>
/// <param name="Name">The parameter's name (<c>weight</c>, <c>conv1.weight</c>) or <c>input</c>.</param>
/// <param name="Shape">The tensor's shape.</param>
/// <param name="WorstExcess">The largest |analytic − numeric| / (atol + rtol · |numeric|) over the tensor: the element
/// passes <see cref="GradientCheck"/>'s criterion when this is at most 1.</param>
/// <param name="WorstIndex">The flat (row-major) index of the worst element.</param>
/// <param name="Analytic">The analytic gradient at <paramref name="WorstIndex"/>.</param>
/// <param name="Numeric">The central-difference gradient at <paramref name="WorstIndex"/>.</param>
/// <param name="AbsoluteTolerance">atol: the float32 rounding noise allowed in every numeric gradient of this check.</param>
/// <param name="RelativeTolerance">rtol.</param>
/// <param name="LargestAnalytic">The largest |analytic gradient| in the tensor, for scale.</param>
/// <param name="KinkCount">Elements not judged because their numeric gradient changes when the step is halved: a step
/// crosses a kink of ReLU or max pooling (see <see cref="GradientCheck"/>).</param>
public sealed record GradientCheckEntry(
    string Name,
    TensorShape Shape,
    double WorstExcess,
    int WorstIndex,
    double Analytic,
    double Numeric,
    double AbsoluteTolerance,
    double RelativeTolerance,
    double LargestAnalytic,
    int KinkCount)
{
    /// <summary>Whether every element meets the criterion.</summary>
    public bool Passes => WorstExcess <= 1;

    /// <inheritdoc />
    public override string ToString() =>
        FormattableString.Invariant(
            $"{Name}{Shape}: {(Passes ? "passes" : "FAILS")}, worst |analytic − numeric| / (atol + rtol·|numeric|) = {WorstExcess:F3} at {WorstIndex} (analytic {Analytic:E4}, numeric {Numeric:E4}; atol {AbsoluteTolerance:E1}, rtol {RelativeTolerance:E1}; largest |analytic| {LargestAnalytic:E2}; {KinkCount} at kinks, not judged)");
}
