namespace ConvNet.Core.Kernels;

/// <summary>
/// Where the backward pass of a convolution finds dLoss/dOutput of each image, [filters, positions]: a dense gradient
/// tensor (the layer's own Backward), or one rebuilt image by image in the thread's scratch from what a fused ReLU and
/// max pooling kept, so the batch-sized gradients of the ReLU and the pooling layer are never written.
/// </summary>
/// <remarks>
/// The rebuilt planes hold exactly what the ReLU and Pooling layers' Backward would have passed down: the gradient at each
/// window's first maximum where the ReLU let it through (the ReLU's output there is positive; +0 elsewhere), and,
/// without pooling, the gradient where the ReLU's output is positive.
/// </remarks>
internal readonly unsafe struct ConvolutionOutputGradient
{
    [ThreadStatic]
    private static AlignedBuffer? t_planes;

    private readonly float* _gradient;
    private readonly float* _output;
    private readonly int* _maxIndices;
    private readonly int _pooledPlane;

    private ConvolutionOutputGradient(float* gradient, float* output, int* maxIndices, int pooledPlane)
    {
        _gradient = gradient;
        _output = output;
        _maxIndices = maxIndices;
        _pooledPlane = pooledPlane;
    }

    /// <summary>The gradient itself, [batch, filters, positions].</summary>
    public static ConvolutionOutputGradient Dense(float* gradient) => new(gradient, null, null, 0);

    /// <summary>Through a ReLU: <paramref name="gradient"/> where <paramref name="reluOutput"/> is positive (both [batch, filters, positions]).</summary>
    public static ConvolutionOutputGradient ThroughRelu(float* gradient, float* reluOutput) => new(gradient, reluOutput, null, 0);

    /// <summary>
    /// Through non-overlapping max pooling (and a ReLU when <paramref name="reluOutput"/>, the pooled output, is not null):
    /// <paramref name="gradient"/> [batch, filters, pooledPlane] goes to the position <paramref name="maxIndices"/> names in
    /// each filter's plane.
    /// </summary>
    public static ConvolutionOutputGradient ThroughMaxPooling(float* gradient, float* reluOutput, int* maxIndices, int pooledPlane) =>
        new(gradient, reluOutput, maxIndices, pooledPlane);

    /// <summary>dLoss/dOutput of image <paramref name="image"/>, [filters, positions]; valid until this thread's next call.</summary>
    public float* ImagePlanes(int image, int filters, int positions)
    {
        int planes = filters * positions;
        if (_output is null && _maxIndices is null)
        {
            return _gradient + ((long)image * planes);
        }

        float* target = (t_planes ??= new AlignedBuffer()).Ensure(planes + (filters * _pooledPlane));
        if (_maxIndices is null)
        {
            long start = (long)image * planes;
            Activations.ReluBackward(new ReadOnlySpan<float>(_output + start, planes), new ReadOnlySpan<float>(_gradient + start, planes), new Span<float>(target, planes));
            return target;
        }

        // Mask the pooled gradients through the ReLU first (vectorized, as the ReLU layer does), then scatter them without
        // a data-dependent branch per value.
        long first = (long)image * filters * _pooledPlane;
        int pooledCount = filters * _pooledPlane;
        float* gradient = _gradient + first;
        if (_output is not null)
        {
            float* masked = target + planes;
            Activations.ReluBackward(new ReadOnlySpan<float>(_output + first, pooledCount), new ReadOnlySpan<float>(gradient, pooledCount), new Span<float>(masked, pooledCount));
            gradient = masked;
        }

        new Span<float>(target, planes).Clear();
        int* maxIndices = _maxIndices + first;
        for (int filter = 0; filter < filters; filter++)
        {
            float* plane = target + ((long)filter * positions);
            for (int pooled = filter * _pooledPlane, end = pooled + _pooledPlane; pooled < end; pooled++)
            {
                plane[maxIndices[pooled]] = gradient[pooled];
            }
        }

        return target;
    }
}
