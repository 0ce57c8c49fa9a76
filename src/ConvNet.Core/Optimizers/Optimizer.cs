using ConvNet.Core.Layers;
using ConvNet.Core.Networks;

namespace ConvNet.Core.Optimizers;

/// <summary>
/// The shared part of the built-in optimizers: the parameter list, the validated learning rate and the step
/// counter. A derived optimizer allocates its state once in its constructor and updates one parameter at a time
/// in <see cref="Update"/>, without allocating.
/// </summary>
/// <remarks>Only this library derives from it; a custom optimizer implements <see cref="IOptimizer"/> directly.</remarks>
public abstract class Optimizer : IOptimizer
{
    private readonly Parameter[] _parameters;
    private float _learningRate;

    /// <summary>Binds the optimizer to <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters to update; at least one, each listed once.</param>
    /// <param name="learningRate">The initial step size, positive and finite.</param>
    /// <exception cref="ArgumentException">The list is empty, holds null, or lists a parameter twice.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is not positive and finite.</exception>
    private protected Optimizer(IReadOnlyList<Parameter> parameters, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0)
        {
            throw new ArgumentException("An optimizer needs at least one parameter; the list is empty.", nameof(parameters));
        }

        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        _parameters = new Parameter[parameters.Count];
        for (int i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i] ?? throw new ArgumentException($"Parameter {i} is null.", nameof(parameters));
            if (!seen.Add(parameter))
            {
                // Updating one tensor twice per step would silently double its step size.
                throw new ArgumentException($"Parameter {i} ('{parameter.Name}') is listed twice.", nameof(parameters));
            }

            _parameters[i] = parameter;
        }

        LearningRate = learningRate;
    }

    /// <summary>The parameters this optimizer updates, in the order it was given them.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <inheritdoc />
    public float LearningRate
    {
        get => _learningRate;
        set => _learningRate = RequirePositive(value, nameof(LearningRate));
    }

    /// <summary>The number of steps taken so far (1 during the first step's updates).</summary>
    public int StepCount { get; private set; }

    /// <inheritdoc />
    public void Step()
    {
        StepCount++;
        for (int i = 0; i < _parameters.Length; i++)
        {
            Update(i, _parameters[i].Value.Span, _parameters[i].Gradient.ReadOnlySpan);
        }
    }

    /// <summary>Updates parameter <paramref name="index"/> in place.</summary>
    /// <param name="index">The parameter's position in <see cref="Parameters"/> (selects its state buffers).</param>
    /// <param name="value">The parameter's values, updated in place.</param>
    /// <param name="gradient">The parameter's gradient, same length as <paramref name="value"/>.</param>
    private protected abstract void Update(int index, Span<float> value, ReadOnlySpan<float> gradient);

    /// <summary>One zero-filled state buffer per parameter, sized like it.</summary>
    private protected float[][] CreateStateBuffers()
    {
        var buffers = new float[_parameters.Length][];
        for (int i = 0; i < buffers.Length; i++)
        {
            buffers[i] = new float[_parameters[i].Value.Length];
        }

        return buffers;
    }

    /// <summary>One zero-filled buffer as long as the largest parameter, for intermediate results.</summary>
    private protected float[] CreateScratchBuffer() => new float[_parameters.Max(parameter => parameter.Value.Length)];

    /// <summary>The trainable parameters of <paramref name="network"/>, in its order.</summary>
    private protected static IReadOnlyList<Parameter> ParametersOf(INetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.Parameters.Select(named => named.Parameter).ToArray();
    }

    /// <summary>Returns <paramref name="value"/> if it is positive and finite.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is not; the message names <paramref name="name"/> and the value.</exception>
    private protected static float RequirePositive(float value, string name)
    {
        if (!(value > 0f) || !float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive and finite; got {value}.");
        }

        return value;
    }

    /// <summary>Returns <paramref name="value"/> if it lies in [0, 1) (a decay or momentum coefficient).</summary>
    /// <exception cref="ArgumentOutOfRangeException">It does not; the message names <paramref name="name"/> and the value.</exception>
    private protected static float RequireDecayRate(float value, string name)
    {
        if (!(value >= 0f && value < 1f))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1); got {value}.");
        }

        return value;
    }
}
