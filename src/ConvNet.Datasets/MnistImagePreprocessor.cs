using ConvNet.Core.Data;
using ConvNet.Core.Tensors;

namespace ConvNet.Datasets;

/// <summary>
/// Turns a grayscale picture of one handwritten digit (any size, dark ink on a light background or the reverse)
/// into the format MNIST networks are trained on: a 28×28 image, ink 1 on background 0, the digit scaled so its
/// longer side is 20 pixels and placed so its centre of mass is at the centre of the field.
/// </summary>
/// <remarks>
/// This follows how MNIST itself was made (size-normalized to a 20×20 box, centred by centre of mass in 28×28).
/// Decoding PNG or JPEG files is left to the caller so that the library needs no imaging package.
/// </remarks>
public static class MnistImagePreprocessor
{
    /// <summary>The width and height of the produced image.</summary>
    public const int ImageSize = 28;

    /// <summary>The size of the box the digit's longer side is scaled to.</summary>
    public const int DigitSize = 20;

    /// <summary>The most pixels a picture may have (50 megapixels, more than a phone camera takes).</summary>
    public const long MaxPixels = 50_000_000;

    /// <summary>The longest side a picture may have, in pixels.</summary>
    public const int MaxSide = 32_768;

    // Normalized ink below this is treated as paper: it removes faint noise and anti-aliasing halos from the
    // bounding box, so that a speck or a grey background does not shrink the digit.
    private const float InkThreshold = 0.2f;

    // Less contrast than this between the paper and the darkest stroke means there is no digit to find.
    private const float MinimumContrast = 0.1f;

    /// <summary>Converts a grayscale picture to a <c>[1, 1, 28, 28]</c> MNIST-style image.</summary>
    /// <param name="luminance">Row-major pixel brightness in [0, 1] (0 black, 1 white), <paramref name="width"/> per row.</param>
    /// <param name="width">The picture's width in pixels.</param>
    /// <param name="height">The picture's height in pixels.</param>
    /// <returns>A new tensor shaped [1, 1, 28, 28] with ink 1 and background 0.</returns>
    /// <exception cref="ArgumentException">
    /// The sizes do not match the pixel count, the picture is larger than <see cref="MaxPixels"/> or
    /// <see cref="MaxSide"/>, a pixel is outside [0, 1], or the picture is blank (no stroke stands out from the background).
    /// </exception>
    public static FloatTensor ToMnist(ReadOnlySpan<float> luminance, int width, int height)
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

        float[] ink = ExtractInk(luminance, width, height);
        (int left, int top, int boxWidth, int boxHeight) = InkBounds(ink, width, height);

        float[] cropped = Crop(ink, width, left, top, boxWidth, boxHeight);
        float scale = (float)DigitSize / Math.Max(boxWidth, boxHeight);
        int digitWidth = Math.Clamp((int)MathF.Round(boxWidth * scale), 1, DigitSize);
        int digitHeight = Math.Clamp((int)MathF.Round(boxHeight * scale), 1, DigitSize);
        float[] digit = Resize(cropped, boxWidth, boxHeight, digitWidth, digitHeight);

        return CentreByMass(digit, digitWidth, digitHeight);
    }

    /// <summary>Ink strength per pixel in [0, 1], background 0, whichever way round the picture was drawn.</summary>
    private static float[] ExtractInk(ReadOnlySpan<float> luminance, int width, int height)
    {
        // The border is mostly paper: its mean brightness tells a light background from a dark one.
        double borderSum = 0;
        int borderCount = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                if (y == 0 || y == height - 1 || x == 0 || x == width - 1)
                {
                    borderSum += luminance[(y * width) + x];
                    borderCount++;
                }
            }
        }

        float background = (float)(borderSum / borderCount);
        bool lightBackground = background > 0.5f;
        float backgroundInk = lightBackground ? 1f - background : background;

        var ink = new float[luminance.Length];
        float strongest = 0f;
        for (int i = 0; i < ink.Length; i++)
        {
            ink[i] = lightBackground ? 1f - luminance[i] : luminance[i];
            strongest = Math.Max(strongest, ink[i]);
        }

        float contrast = strongest - backgroundInk;
        if (contrast < MinimumContrast)
        {
            throw new ArgumentException(
                $"The {width}×{height} picture is blank: its strongest stroke differs from the background by {contrast:0.###}, " +
                $"less than {MinimumContrast}.", nameof(luminance));
        }

        for (int i = 0; i < ink.Length; i++)
        {
            float normalized = Math.Clamp((ink[i] - backgroundInk) / contrast, 0f, 1f);
            ink[i] = normalized < InkThreshold ? 0f : normalized;
        }

        return ink;
    }

    private static (int Left, int Top, int Width, int Height) InkBounds(float[] ink, int width, int height)
    {
        int left = width, right = -1, top = height, bottom = -1;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                if (ink[(y * width) + x] > 0f)
                {
                    left = Math.Min(left, x);
                    right = Math.Max(right, x);
                    top = Math.Min(top, y);
                    bottom = Math.Max(bottom, y);
                }
            }
        }

        // ExtractInk guarantees at least the strongest pixel survives the threshold.
        return (left, top, right - left + 1, bottom - top + 1);
    }

    private static float[] Crop(float[] ink, int width, int left, int top, int boxWidth, int boxHeight)
    {
        var cropped = new float[boxWidth * boxHeight];
        for (int y = 0; y < boxHeight; y++)
        {
            ink.AsSpan(((top + y) * width) + left, boxWidth).CopyTo(cropped.AsSpan(y * boxWidth, boxWidth));
        }

        return cropped;
    }

    /// <summary>Area-averaging resize: each target pixel is the mean of the source area it covers.</summary>
    /// <remarks>Averaging areas keeps thin strokes when shrinking a large photo, where point sampling would drop them.</remarks>
    private static float[] Resize(float[] source, int sourceWidth, int sourceHeight, int targetWidth, int targetHeight)
    {
        // Rows first, then (through a transpose) columns, with the same one-axis resize.
        float[] rowsResized = ResizeRows(source, sourceHeight, sourceWidth, targetWidth);
        float[] columnsAsRows = Transpose(rowsResized, sourceHeight, targetWidth);
        return Transpose(ResizeRows(columnsAsRows, targetWidth, sourceHeight, targetHeight), targetWidth, targetHeight);
    }

    private static float[] ResizeRows(float[] source, int rows, int sourceLength, int targetLength)
    {
        float[][] weights = AreaWeights(sourceLength, targetLength);
        var target = new float[rows * targetLength];
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<float> sourceRow = source.AsSpan(row * sourceLength, sourceLength);
            for (int targetIndex = 0; targetIndex < targetLength; targetIndex++)
            {
                float sum = 0f;
                for (int sourceIndex = 0; sourceIndex < sourceLength; sourceIndex++)
                {
                    sum += weights[targetIndex][sourceIndex] * sourceRow[sourceIndex];
                }

                target[(row * targetLength) + targetIndex] = sum;
            }
        }

        return target;
    }

    private static float[] Transpose(float[] source, int rows, int columns)
    {
        var transposed = new float[source.Length];
        for (int row = 0; row < rows; row++)
        {
            for (int column = 0; column < columns; column++)
            {
                transposed[(column * rows) + row] = source[(row * columns) + column];
            }
        }

        return transposed;
    }

    /// <summary>For each target cell, the fraction of it that each source cell covers (each row sums to 1).</summary>
    private static float[][] AreaWeights(int sourceLength, int targetLength)
    {
        double cellLength = (double)sourceLength / targetLength;
        var weights = new float[targetLength][];
        for (int target = 0; target < targetLength; target++)
        {
            weights[target] = new float[sourceLength];
            double start = target * cellLength;
            double end = start + cellLength;
            for (int source = (int)Math.Floor(start); source < Math.Min(sourceLength, (int)Math.Ceiling(end)); source++)
            {
                double overlap = Math.Min(end, source + 1) - Math.Max(start, source);
                weights[target][source] = (float)(overlap / cellLength);
            }
        }

        return weights;
    }

    private static FloatTensor CentreByMass(float[] digit, int digitWidth, int digitHeight)
    {
        double mass = 0, massX = 0, massY = 0;
        for (int y = 0; y < digitHeight; y++)
        {
            for (int x = 0; x < digitWidth; x++)
            {
                float value = digit[(y * digitWidth) + x];
                mass += value;
                massX += value * (x + 0.5);
                massY += value * (y + 0.5);
            }
        }

        // Shift so the centre of mass lands on the field's centre, but never push ink off the field.
        const double centre = ImageSize / 2.0;
        int left = Math.Clamp((int)Math.Round(centre - (massX / mass)), 0, ImageSize - digitWidth);
        int top = Math.Clamp((int)Math.Round(centre - (massY / mass)), 0, ImageSize - digitHeight);

        var image = new FloatTensor(1, 1, ImageSize, ImageSize);
        Span<float> pixels = image.Span;
        for (int y = 0; y < digitHeight; y++)
        {
            digit.AsSpan(y * digitWidth, digitWidth).CopyTo(pixels.Slice(((top + y) * ImageSize) + left, digitWidth));
        }

        return image;
    }
}
