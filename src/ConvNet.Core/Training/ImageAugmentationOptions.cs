namespace ConvNet.Core.Training;

/// <summary>
/// What an <see cref="ImageAugmentation"/> does to each training image: a random shift (the random crop with padding
/// of torchvision's <c>RandomCrop(size, padding)</c>), a small random rotation, a small random change of scale, a random
/// change of stroke thickness and a random horizontal flip. Every option is off by default.
/// </summary>
/// <remarks>
/// Digits want shifts and small rotations but no flip (a mirrored 2 is no digit); photos of objects and clothing want
/// flips and shifts. Digits written on paper and photographed vary in size and pen width as well: scale and thickness
/// changes teach a digit network to read them. Fill uncovered pixels with the background: 0 suits MNIST-style images in [0, 1] and normalized
/// images alike (after per-channel normalization 0 is the mean colour).
/// </remarks>
public sealed record ImageAugmentationOptions
{
    /// <summary>
    /// The largest shift in whole pixels along each axis, drawn uniformly from [−MaxShift, MaxShift]: the same as padding
    /// the image by MaxShift pixels of <see cref="Fill"/> and cropping a random window of the original size. 0 or more.
    /// </summary>
    public int MaxShift { get; init; }

    /// <summary>The largest rotation about the image centre either way, in degrees, in [0, 180]. Bilinear when not 0.</summary>
    public float MaxRotationDegrees { get; init; }

    /// <summary>
    /// The largest change of size either way, as a fraction in [0, 0.5]: each image is scaled about its centre by a factor
    /// drawn uniformly from [1 − MaxScaleChange, 1 + MaxScaleChange] (bilinear when not 0).
    /// </summary>
    public float MaxScaleChange { get; init; }

    /// <summary>
    /// The largest change of stroke thickness either way, in [0, 1], for bright strokes on a dark background (MNIST's
    /// digits): each image, after the geometric changes, is blended by a fraction t drawn uniformly from
    /// [−MaxThicknessChange, MaxThicknessChange] with its grey dilation (t above 0: the brightest of each pixel and its
    /// four neighbours, thicker strokes) or its grey erosion (t below 0: the darkest, thinner strokes). At 1 a stroke
    /// can grow or shrink by up to a pixel on each side.
    /// </summary>
    public float MaxThicknessChange { get; init; }

    /// <summary>Whether to mirror half of the images left to right. Off by default (digits must not be flipped).</summary>
    public bool HorizontalFlip { get; init; }

    /// <summary>The value of pixels that the shift or rotation uncovers. Default 0.</summary>
    public float Fill { get; init; }

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names the property and the value.</exception>
    public void Validate()
    {
        if (MaxShift < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxShift), MaxShift, $"{nameof(MaxShift)} must be 0 or more; got {MaxShift}.");
        }

        if (!(MaxRotationDegrees is >= 0f and <= 180f))
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxRotationDegrees), MaxRotationDegrees, $"{nameof(MaxRotationDegrees)} must lie in [0, 180] degrees; got {MaxRotationDegrees}.");
        }

        if (!(MaxScaleChange is >= 0f and <= 0.5f))
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxScaleChange), MaxScaleChange, $"{nameof(MaxScaleChange)} must lie in [0, 0.5]; got {MaxScaleChange}.");
        }

        if (!(MaxThicknessChange is >= 0f and <= 1f))
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxThicknessChange), MaxThicknessChange, $"{nameof(MaxThicknessChange)} must lie in [0, 1]; got {MaxThicknessChange}.");
        }

        if (!float.IsFinite(Fill))
        {
            throw new ArgumentOutOfRangeException(nameof(Fill), Fill, $"{nameof(Fill)} must be finite; got {Fill}.");
        }
    }
}
