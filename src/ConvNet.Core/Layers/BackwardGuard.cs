using System.Diagnostics.CodeAnalysis;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Layers;

/// <summary>The checks every layer's Backward starts with, so their messages read the same everywhere.</summary>
internal static class BackwardGuard
{
    /// <summary>Throws unless a training-mode Forward produced an output of the same shape as <paramref name="outputGradient"/>.</summary>
    /// <param name="layerName">The layer's name, for the message.</param>
    /// <param name="lastOutput">The last training-mode output, or null before the first one.</param>
    /// <param name="outputGradient">The gradient Backward was given.</param>
    /// <exception cref="InvalidOperationException">No training-mode Forward came first.</exception>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static void Check(string layerName, [NotNull] Tensor? lastOutput, Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (lastOutput is null)
        {
            throw new InvalidOperationException(
                $"Layer '{layerName}': Backward (output gradient {outputGradient.Shape}) was called before a training-mode Forward.");
        }

        if (outputGradient.Shape != lastOutput.Shape)
        {
            throw new ArgumentException(
                $"Layer '{layerName}': the output gradient is {outputGradient.Shape} but the last training-mode output was {lastOutput.Shape}.",
                nameof(outputGradient));
        }
    }
}
