using System.Diagnostics.CodeAnalysis;
using ConvNet.Core.Tensors;
using ConvNet.Datasets.DigitImages;

namespace ConvNet.Datasets;

/// <summary>
/// The pictures <see cref="MnistImagePreprocessor.ToMnistWithSteps"/> went through, each a new <c>[height, width]</c>
/// tensor with values in [0, 1], for showing a user why a picture was read as it was — or why no digit was found in it.
/// </summary>
public sealed class MnistPreprocessingSteps
{
    // The mask's shade for ink that was not taken as part of the digit (specks, lines, the desk).
    private const float OtherInkShade = 0.4f;

    internal MnistPreprocessingSteps(DigitPipelineResult stages, FloatTensor? result)
    {
        Input = ToTensor(stages.Working);
        DarkInk = stages.DarkInk;
        Slant = stages.Slant;
        var corrected = new GrayImage(stages.Ink.Width, stages.Ink.Height);
        for (int i = 0; i < corrected.Pixels.Length; i++)
        {
            corrected.Pixels[i] = 1f - stages.Ink.Pixels[i];
        }

        BackgroundCorrected = ToTensor(corrected);
        var digitLabels = new HashSet<int>(stages.Digit.Select(c => c.Label));
        var mask = new GrayImage(stages.Ink.Width, stages.Ink.Height);
        for (int i = 0; i < mask.Pixels.Length; i++)
        {
            int label = stages.Labels[i];
            mask.Pixels[i] = label == 0 ? 0f : digitLabels.Contains(label) ? 1f : OtherInkShade;
        }

        InkMask = ToTensor(mask);
        Crop = stages.Crop is null ? null : ToTensor(stages.Crop);
        Deskewed = stages.Deskewed is null ? null : ToTensor(stages.Deskewed);
        Result = result;
    }

    /// <summary>The picture's brightness at the working size (pictures with a side over 512 pixels are shrunk).</summary>
    public FloatTensor Input { get; }

    /// <summary>Whether the ink was found darker than the paper (false: light ink on a dark background).</summary>
    public bool DarkInk { get; }

    /// <summary>The brightness with the paper's uneven light divided out: paper 1, ink dark, whichever way round the picture was.</summary>
    public FloatTensor BackgroundCorrected { get; }

    /// <summary>The ink above the threshold: 1 for the components taken as the digit, 0.4 for other ink (specks, lines), 0 for paper.</summary>
    public FloatTensor InkMask { get; }

    /// <summary>
    /// Whether a digit was found; when not, <see cref="Crop"/>, <see cref="Deskewed"/> and <see cref="Result"/> are null
    /// and <see cref="InkMask"/> shows what was left out (<see cref="MnistImagePreprocessor.ToMnist"/> throws
    /// <see cref="NoDigitFoundException"/> then).
    /// </summary>
    [MemberNotNullWhen(true, nameof(Crop), nameof(Deskewed), nameof(Result))]
    public bool DigitFound => Result is not null;

    /// <summary>The digit's ink cut out of the corrected picture: ink 1, paper 0 (null: no digit found).</summary>
    public FloatTensor? Crop { get; }

    /// <summary>The slant (horizontal shift per row, dx/dy) that deskewing removed.</summary>
    public double Slant { get; }

    /// <summary>The crop after deskewing, cut to its ink (null: no digit found).</summary>
    public FloatTensor? Deskewed { get; }

    /// <summary>The <c>[1, 1, 28, 28]</c> MNIST-style image, as <see cref="MnistImagePreprocessor.ToMnist"/> returns it (null: no digit found).</summary>
    public FloatTensor? Result { get; }

    private static FloatTensor ToTensor(GrayImage image) => new(new TensorShape(image.Height, image.Width), (float[])image.Pixels.Clone());
}
