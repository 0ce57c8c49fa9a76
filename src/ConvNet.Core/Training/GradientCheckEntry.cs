using ConvNet.Core.Tensors;

namespace ConvNet.Core.Training;

/// <summary>How well the analytic gradient of one tensor (a parameter, or a layer's input) matches central differences.</summary>
/// <param name="Name">The parameter's name (<c>weight</c>, <c>conv1.weight</c>) or <c>input</c>.</param>
/// <param name="Shape">The tensor's shape.</param>
/// <param name="WorstRelativeError">The largest |analytic − numeric| / max(|analytic|, |numeric|, floor) over the tensor,
/// where floor is <see cref="GradientCheck.RelativeFloor"/> × the largest |analytic| in the tensor (at least
/// <see cref="GradientCheck.AbsoluteFloor"/>), so entries that are tiny next to their neighbours are not judged by rounding noise.</param>
/// <param name="WorstIndex">The flat (row-major) index where the worst relative error occurs.</param>
/// <param name="Analytic">The analytic gradient at <paramref name="WorstIndex"/>.</param>
/// <param name="Numeric">The central-difference gradient at <paramref name="WorstIndex"/>.</param>
/// <param name="LargestAnalytic">The largest |analytic gradient| in the tensor, for scale.</param>
public sealed record GradientCheckEntry(
    string Name, TensorShape Shape, double WorstRelativeError, int WorstIndex, double Analytic, double Numeric, double LargestAnalytic)
{
    /// <inheritdoc />
    public override string ToString() =>
        FormattableString.Invariant(
            $"{Name}{Shape}: worst relative error {WorstRelativeError:E2} at {WorstIndex} (analytic {Analytic:E4}, numeric {Numeric:E4}; largest |analytic| {LargestAnalytic:E2})");
}
