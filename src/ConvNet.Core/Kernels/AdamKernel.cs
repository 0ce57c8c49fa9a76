using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ConvNet.Core.Kernels;

/// <summary>
/// Adam's update of one parameter tensor in one pass over its values, gradients and moments, in chunks on every core (<see cref="EvenChunks"/>):
/// m = β₁·m + (1 − β₁)·g, v = β₂·v + (1 − β₂)·g², w −= lr · m / (√(v / c₂) + ε).
/// </summary>
/// <remarks>
/// Each operation is its own IEEE operation in the order the optimizer's separate whole-tensor passes take them (a multiply,
/// then an add, never a fused multiply-add), so the result is theirs bit for bit and does not depend on the thread count;
/// one pass instead of ten reads each array once.
/// </remarks>
internal static unsafe class AdamKernel
{
    /// <summary>Updates <paramref name="value"/>, <paramref name="firstMoment"/> and <paramref name="secondMoment"/> in place.</summary>
    /// <param name="value">The parameter values.</param>
    /// <param name="gradient">Their gradients.</param>
    /// <param name="firstMoment">m, as long as the values.</param>
    /// <param name="secondMoment">v, as long as the values.</param>
    /// <param name="beta1">β₁.</param>
    /// <param name="beta2">β₂.</param>
    /// <param name="secondCorrection">c₂ = 1 − β₂ᵗ.</param>
    /// <param name="learningRate">The step size with the first-moment correction folded in (lr / (1 − β₁ᵗ)).</param>
    /// <param name="epsilon">ε.</param>
    public static void Update(
        Span<float> value, ReadOnlySpan<float> gradient, Span<float> firstMoment, Span<float> secondMoment,
        float beta1, float beta2, float secondCorrection, float learningRate, float epsilon)
    {
        int length = value.Length;
        if (gradient.Length != length || firstMoment.Length != length || secondMoment.Length != length)
        {
            throw new ArgumentException(
                $"Adam operand lengths differ: value {length}, gradient {gradient.Length}, moments {firstMoment.Length} and {secondMoment.Length}.");
        }

        fixed (float* valueData = value, gradientData = gradient, firstData = firstMoment, secondData = secondMoment)
        {
            var pass = new Pass
            {
                Value = valueData, Gradient = gradientData, First = firstData, Second = secondData, Chunks = EvenChunks.Of(length),
                Beta1 = beta1, Beta2 = beta2, SecondCorrection = secondCorrection, LearningRate = learningRate, Epsilon = epsilon,
            };
            WorkerPool.RunInShares(&UpdateChunk, &pass, pass.Chunks.Count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UpdateChunk(void* context, int chunk)
    {
        ref readonly Pass pass = ref *(Pass*)context;
        int start = pass.Chunks.Start(chunk);
        int end = pass.Chunks.Start(chunk + 1);
        float oneMinusBeta1 = 1f - pass.Beta1, oneMinusBeta2 = 1f - pass.Beta2, step = -pass.LearningRate;
        int i = start;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> beta1 = Vector256.Create(pass.Beta1), beta2 = Vector256.Create(pass.Beta2);
            Vector256<float> gradientShare = Vector256.Create(oneMinusBeta1), squareShare = Vector256.Create(oneMinusBeta2);
            Vector256<float> correction = Vector256.Create(pass.SecondCorrection), epsilon = Vector256.Create(pass.Epsilon);
            Vector256<float> stepSize = Vector256.Create(step);
            for (; i <= end - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> gradient = Vector256.Load(pass.Gradient + i);
                Vector256<float> first = (gradient * gradientShare) + (Vector256.Load(pass.First + i) * beta1);
                Vector256<float> second = ((gradient * gradient) * squareShare) + (Vector256.Load(pass.Second + i) * beta2);
                first.Store(pass.First + i);
                second.Store(pass.Second + i);
                Vector256<float> direction = first / (Vector256.Sqrt(second / correction) + epsilon);
                ((direction * stepSize) + Vector256.Load(pass.Value + i)).Store(pass.Value + i);
            }
        }

        for (; i < end; i++)
        {
            float gradient = pass.Gradient[i];
            float first = (gradient * oneMinusBeta1) + (pass.First[i] * pass.Beta1);
            float second = ((gradient * gradient) * oneMinusBeta2) + (pass.Second[i] * pass.Beta2);
            pass.First[i] = first;
            pass.Second[i] = second;
            float direction = first / (MathF.Sqrt(second / pass.SecondCorrection) + pass.Epsilon);
            pass.Value[i] = (direction * step) + pass.Value[i];
        }
    }

    /// <summary>One call's arguments, passed to the workers by pointer.</summary>
    private struct Pass
    {
        public float* Value;
        public float* Gradient;
        public float* First;
        public float* Second;
        public EvenChunks Chunks;
        public float Beta1;
        public float Beta2;
        public float SecondCorrection;
        public float LearningRate;
        public float Epsilon;
    }
}
