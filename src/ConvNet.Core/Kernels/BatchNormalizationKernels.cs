using System.Numerics;
using System.Numerics.Tensors;

namespace ConvNet.Core.Kernels;

/// <summary>
/// Batch normalization's training forward and backward, one feature (channel) per unit of work on every core.
/// Shapes: input, normalized, output and gradients [batch, features, plane] (plane = H·W, or 1 after an affine layer);
/// gamma, beta and the per-feature results [features].
/// </summary>
/// <remarks>
/// A feature's statistics read only its own planes, so features are independent and each is computed exactly as a single
/// thread would: the same reductions over the same planes in the same order, so the result does not depend on the thread
/// count. The elementwise passes are fused (x̂ = (x − μ)·σ⁻¹ and y = γ·x̂ + β in one pass) with the same two roundings per
/// operation as separate passes: a multiply, then an add, never a fused multiply-add.
/// </remarks>
internal static unsafe class BatchNormalizationKernels
{
    /// <summary>
    /// normalized = (input − μ) / √(σ² + ε) and output = gamma · normalized + beta per feature, μ and σ² over the batch
    /// and the plane; writes μ, σ² and 1 / √(σ² + ε) per feature.
    /// </summary>
    public static void ForwardTraining(
        ReadOnlySpan<float> input, Span<float> normalized, Span<float> output, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> batchMean, Span<float> batchVariance, Span<float> inverseStd, float epsilon, int batchSize, int planeSize)
    {
        int features = gamma.Length;
        long length = (long)batchSize * features * planeSize;
        if (input.Length != length || normalized.Length != length || output.Length != length || beta.Length != features
            || batchMean.Length != features || batchVariance.Length != features || inverseStd.Length != features)
        {
            throw new ArgumentException($"Batch normalization operands do not fit [{batchSize}, {features}, {planeSize}].");
        }

        fixed (float* x = input, normalizedData = normalized, y = output, gammaData = gamma, betaData = beta)
        fixed (float* meanData = batchMean, varianceData = batchVariance, inverseStdData = inverseStd)
        {
            var pass = new Pass
            {
                First = x, Normalized = normalizedData, Result = y, Gamma = gammaData, Beta = betaData,
                Mean = meanData, Variance = varianceData, InverseStd = inverseStdData,
                Epsilon = epsilon, BatchSize = batchSize, Features = features, PlaneSize = planeSize,
            };
            WorkerPool.Run(&ForwardFeature, &pass, features);
        }
    }

    /// <summary>
    /// The input gradient gamma / σ · (dy − mean(dy) − x̂ · mean(dy · x̂)) (the batch statistics' own dependence on the input
    /// included), and the parameter gradients Σ dy · x̂ (gamma) and Σ dy (beta) per feature.
    /// </summary>
    public static void Backward(
        ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> normalized, ReadOnlySpan<float> gamma, ReadOnlySpan<float> inverseStd,
        Span<float> inputGradient, Span<float> gammaGradient, Span<float> betaGradient, int batchSize, int planeSize)
    {
        int features = gamma.Length;
        long length = (long)batchSize * features * planeSize;
        if (outputGradient.Length != length || normalized.Length != length || inputGradient.Length != length
            || inverseStd.Length != features || gammaGradient.Length != features || betaGradient.Length != features)
        {
            throw new ArgumentException($"Batch normalization gradients do not fit [{batchSize}, {features}, {planeSize}].");
        }

        fixed (float* dy = outputGradient, normalizedData = normalized, gammaData = gamma, inverseStdData = inverseStd)
        fixed (float* dx = inputGradient, dGamma = gammaGradient, dBeta = betaGradient)
        {
            var pass = new Pass
            {
                First = dy, Normalized = normalizedData, Result = dx, Gamma = gammaData, InverseStd = inverseStdData,
                BetaGradient = dBeta, GammaGradient = dGamma, BatchSize = batchSize, Features = features, PlaneSize = planeSize,
            };
            WorkerPool.Run(&BackwardFeature, &pass, features);
        }
    }

    private static void ForwardFeature(void* context, int feature)
    {
        ref readonly Pass pass = ref *(Pass*)context;
        int planeSize = pass.PlaneSize;
        double count = (double)pass.BatchSize * planeSize;
        double sum = 0;
        for (int item = 0; item < pass.BatchSize; item++)
        {
            sum += TensorPrimitives.Sum(pass.Plane(pass.First, item, feature));
        }

        // Two passes (mean, then squared deviations) keep the variance accurate when the mean is large.
        float mean = (float)(sum / count);
        double squaredDeviations = 0;
        for (int item = 0; item < pass.BatchSize; item++)
        {
            Span<float> centered = pass.Plane(pass.Normalized, item, feature);
            TensorPrimitives.Subtract(pass.Plane(pass.First, item, feature), mean, centered);
            squaredDeviations += TensorPrimitives.SumOfSquares(centered);
        }

        float variance = (float)(squaredDeviations / count);
        float inverseStd = 1f / MathF.Sqrt(variance + pass.Epsilon);
        float gamma = pass.Gamma[feature], beta = pass.Beta[feature];
        for (int item = 0; item < pass.BatchSize; item++)
        {
            Span<float> normalized = pass.Plane(pass.Normalized, item, feature);
            Span<float> output = pass.Plane(pass.Result, item, feature);
            int i = 0;
            for (; i <= planeSize - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> value = (new Vector<float>(normalized[i..]) * inverseStd) + Vector<float>.Zero;
                value.CopyTo(normalized[i..]);
                ((value * gamma) + new Vector<float>(beta)).CopyTo(output[i..]);
            }

            for (; i < planeSize; i++)
            {
                // (x − μ)·σ⁻¹ + 0 (the + 0 turns −0 into +0, as the layer always has), then γ·x̂ + β: each its own rounding.
                float value = (normalized[i] * inverseStd) + 0f;
                normalized[i] = value;
                output[i] = (value * gamma) + beta;
            }
        }

        pass.Mean[feature] = mean;
        pass.Variance[feature] = variance;
        pass.InverseStd[feature] = inverseStd;
    }

    private static void BackwardFeature(void* context, int feature)
    {
        ref readonly Pass pass = ref *(Pass*)context;
        int planeSize = pass.PlaneSize;
        float count = pass.BatchSize * planeSize;
        double gradientSum = 0;
        double gradientDotNormalized = 0;
        for (int item = 0; item < pass.BatchSize; item++)
        {
            ReadOnlySpan<float> gradient = pass.Plane(pass.First, item, feature);
            gradientSum += TensorPrimitives.Sum(gradient);
            gradientDotNormalized += TensorPrimitives.Dot(gradient, pass.Plane(pass.Normalized, item, feature));
        }

        pass.BetaGradient[feature] = (float)gradientSum;
        pass.GammaGradient[feature] = (float)gradientDotNormalized;
        float scale = pass.Gamma[feature] * pass.InverseStd[feature];
        float meanGradient = (float)(gradientSum / count);
        float meanGradientDotNormalized = (float)(gradientDotNormalized / count);
        for (int item = 0; item < pass.BatchSize; item++)
        {
            ReadOnlySpan<float> gradient = pass.Plane(pass.First, item, feature);
            ReadOnlySpan<float> normalized = pass.Plane(pass.Normalized, item, feature);
            Span<float> inputGradient = pass.Plane(pass.Result, item, feature);
            int i = 0;
            for (; i <= planeSize - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> value = ((new Vector<float>(normalized[i..]) * -meanGradientDotNormalized) + new Vector<float>(gradient[i..]))
                    + new Vector<float>(-meanGradient);
                (value * scale).CopyTo(inputGradient[i..]);
            }

            for (; i < planeSize; i++)
            {
                inputGradient[i] = (((normalized[i] * -meanGradientDotNormalized) + gradient[i]) + -meanGradient) * scale;
            }
        }
    }

    /// <summary>One call's arguments, passed to the workers by pointer (First and Result: x and y forward, dy and dx backward).</summary>
    private struct Pass
    {
        public float* First;
        public float* Normalized;
        public float* Result;
        public float* Gamma;
        public float* Beta;
        public float* Mean;
        public float* Variance;
        public float* InverseStd;
        public float* GammaGradient;
        public float* BetaGradient;
        public float Epsilon;
        public int BatchSize;
        public int Features;
        public int PlaneSize;

        public readonly Span<float> Plane(float* data, int item, int feature) =>
            new(data + ((((long)item * Features) + feature) * PlaneSize), PlaneSize);
    }
}
