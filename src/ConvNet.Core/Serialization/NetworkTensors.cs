using ConvNet.Core.Layers;
using ConvNet.Core.Networks;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Serialization;

/// <summary>Every tensor that defines a network's behaviour: its parameters, then the state of its <see cref="IStatefulLayer"/> layers.</summary>
internal static class NetworkTensors
{
    /// <summary>The parameters by their network names, then each stateful layer's state as <c>layer.state</c>.</summary>
    /// <exception cref="InvalidOperationException">Two tensors share a name.</exception>
    public static IReadOnlyList<KeyValuePair<string, FloatTensor>> Collect(INetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var tensors = new List<KeyValuePair<string, FloatTensor>>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var named in network.Parameters)
        {
            Add(named.Name, named.Parameter.Value);
        }

        foreach (var layer in network.Layers)
        {
            if (layer is IStatefulLayer stateful)
            {
                foreach (var state in stateful.State)
                {
                    Add($"{layer.Name}.{state.Name}", state.Value);
                }
            }
        }

        return tensors;

        void Add(string name, FloatTensor value)
        {
            if (!names.Add(name))
            {
                throw new InvalidOperationException($"The network has two tensors named '{name}'; names must be unique.");
            }

            tensors.Add(new(name, value));
        }
    }
}
