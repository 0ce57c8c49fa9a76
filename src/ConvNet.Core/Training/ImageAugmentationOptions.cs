namespace ConvNet.Core.Training;

/// <summary>
/// What an <see cref="ImageAugmentation"/> does to each training image: a random shift (the random crop with padding
/// of torchvision's <c>RandomCrop(size, padding)</c>), a small random rotation and a random horizontal flip. Every
/// option is off by default.
/// </summary>
/// <remarks>
/// Digits want shifts and small rotations but no flip (a mirrored 2 is no digit); photos of objects and clothing want
/// flips and shifts. Fill uncovered pixels with the background: 0 suits MNIST-style images in [0, 1] and normalized
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

        if (!float.IsFinite(Fill))
        {
            throw new ArgumentOutOfRangeException(nameof(Fill), Fill, $"{nameof(Fill)} must be finite; got {Fill}.");
        }
    }
}
