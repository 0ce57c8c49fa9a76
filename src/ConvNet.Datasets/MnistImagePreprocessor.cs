using ConvNet.Core.Tensors;
using ConvNet.Datasets.DigitImages;

namespace ConvNet.Datasets;

/// <summary>
/// Turns a grayscale picture of one handwritten digit — a clean image (dark on light or the reverse) or a phone
/// photo of a digit written on paper — into the format MNIST networks are trained on: a 28×28 image, ink 1 on
/// background 0, the digit scaled so its longer side is 20 pixels and placed so its centre of mass is at the centre.
/// </summary>
/// <remarks>
/// <para>
/// The stages, each its own small function: shrink to a working size (longer side at most 512); tell whether the ink
/// is darker or lighter than the paper from the picture's statistics; estimate the paper's brightness under uneven
/// light by a grey-scale closing (strokes filled in, lighting, shadows and the sheet's edge kept) and measure every
/// pixel's ink against it; threshold adaptively (Otsu's method among the pixels that stand out from the paper's
/// noise); keep the connected components that form the digit (specks, ruled and grid lines, and what touches the
/// picture's edge are left out unless nothing else is there); cut the digit out, deskew it by its second moments
/// (only the slant beyond handwriting's own, which MNIST keeps, and only if the shear gathers the ink into fewer
/// columns: a "1" with a long flag stays a 1), scale its longer side to 20 pixels with area
/// averaging and centre it by mass in 28×28, as MNIST was made.
/// </para>
/// <para>Decoding PNG or JPEG files is left to the caller so that the library needs no imaging package.</para>
/// </remarks>
public static class MnistImagePreprocessor
{
    /// <summary>The width and height of the produced image.</summary>
    public const int ImageSize = MnistLayout.ImageSize;

    /// <summary>The size of the box the digit's longer side is scaled to.</summary>
    public const int DigitSize = MnistLayout.DigitSize;

    /// <summary>The most pixels a picture may have (50 megapixels, more than a phone camera takes).</summary>
    public const long MaxPixels = 50_000_000;

    /// <summary>The longest side a picture may have, in pixels.</summary>
    public const int MaxSide = 32_768;

    /// <summary>Converts a grayscale picture to a <c>[1, 1, 28, 28]</c> MNIST-style image.</summary>
    /// <param name="luminance">Row-major pixel brightness in [0, 1] (0 black, 1 white), <paramref name="width"/> per row.</param>
    /// <param name="width">The picture's width in pixels.</param>
    /// <param name="height">The picture's height in pixels.</param>
    /// <returns>A new tensor shaped [1, 1, 28, 28] with ink 1 and background 0.</returns>
    /// <exception cref="ArgumentException">
    /// The sizes do not match the pixel count, the picture is larger than <see cref="MaxPixels"/> or
    /// <see cref="MaxSide"/>, or a pixel is outside [0, 1].
    /// </exception>
    /// <exception cref="NoDigitFoundException">Nothing in the picture stands out from the paper as a digit.</exception>
    public static FloatTensor ToMnist(ReadOnlySpan<float> luminance, int width, int height)
    {
        DigitPipelineResult stages = DigitPipeline.Run(Validate(luminance, width, height));
        if (stages.Deskewed is null)
        {
            throw new NoDigitFoundException(stages.Components.Count == 0
                ? $"No digit found in the {width}×{height} picture: it is blank (no pixel stands out from the paper by the ink threshold {stages.Threshold:0.##})."
                : $"No digit found in the {width}×{height} picture: nothing stands out from the paper as a digit " +
                  $"({stages.Components.Count} specks or lines above the ink threshold {stages.Threshold:0.##}, the largest {stages.Components.Max(c => c.Area)} pixels " +
                  $"at the working size {stages.Working.Width}×{stages.Working.Height}).");
        }

        return MnistLayout.Place(stages.Deskewed);
    }

    /// <summary>
    /// Converts a grayscale picture like <see cref="ToMnist"/> and returns every stage's picture as well, to show why
    /// a picture was read as it was — or, when no digit is found, what the search saw (the ink mask shows every speck
    /// and line it left out) instead of throwing.
    /// </summary>
    /// <inheritdoc cref="ToMnist" path="/param"/>
    /// <returns>
    /// The stages, <see cref="MnistPreprocessingSteps.Result"/> last; <see cref="MnistPreprocessingSteps.DigitFound"/>
    /// false (and no crop or result) where <see cref="ToMnist"/> would throw <see cref="NoDigitFoundException"/>.
    /// </returns>
    /// <exception cref="ArgumentException">
    /// The sizes do not match the pixel count, the picture is larger than <see cref="MaxPixels"/> or
    /// <see cref="MaxSide"/>, or a pixel is outside [0, 1].
    /// </exception>
    public static MnistPreprocessingSteps ToMnistWithSteps(ReadOnlySpan<float> luminance, int width, int height)
    {
        DigitPipelineResult stages = DigitPipeline.Run(Validate(luminance, width, height));
        return new MnistPreprocessingSteps(stages, stages.Deskewed is null ? null : MnistLayout.Place(stages.Deskewed));
    }

    private static GrayImage Validate(ReadOnlySpan<float> luminance, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if ((long)width * height > MaxPixels || Math.Max(width, height) > MaxSide)
        {
            // Checked before any working copy is made: the pipeline needs several arrays of this size.
            throw new ArgumentException(
                $"A {width}×{height} picture is too large: at most {MaxPixels:N0} pixels and {MaxSide:N0} on a side are accepted.", nameof(luminance));
        }

        if (luminance.Length != (long)width * height)
        {
            throw new ArgumentException(
                $"A {width}×{height} picture has {(long)width * height} pixels; got {luminance.Length}.", nameof(luminance));
        }

        for (int i = 0; i < luminance.Length; i++)
        {
            if (!(luminance[i] >= 0f && luminance[i] <= 1f))
            {
                throw new ArgumentException(
                    $"Pixel {i} (x {i % width}, y {i / width}) has brightness {luminance[i]}; expected a value in [0, 1].",
                    nameof(luminance));
            }
        }

        return new GrayImage(width, height, luminance.ToArray());
    }
}
