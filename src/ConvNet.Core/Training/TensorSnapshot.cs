using ConvNet.Core.Tensors;

namespace ConvNet.Core.Training;

/// <summary>A copy of some tensors (a network's parameters and state), taken and put back without allocating.</summary>
internal sealed class TensorSnapshot
{
    private readonly FloatTensor[] _tensors;
    private readonly float[][] _copies;

    public TensorSnapshot(IEnumerable<FloatTensor> tensors)
    {
        _tensors = [.. tensors];
        _copies = [.. _tensors.Select(tensor => new float[tensor.Length])];
    }

    public void Capture()
    {
        for (int i = 0; i < _tensors.Length; i++)
        {
            _tensors[i].ReadOnlySpan.CopyTo(_copies[i]);
        }
    }

    public void Restore()
    {
        for (int i = 0; i < _tensors.Length; i++)
        {
            _copies[i].CopyTo(_tensors[i].Span);
        }
    }
}
