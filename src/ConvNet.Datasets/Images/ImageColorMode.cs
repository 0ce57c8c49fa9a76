namespace ConvNet.Datasets.Images;

/// <summary>How many channels an image is read into.</summary>
public enum ImageColorMode
{
    /// <summary>One channel of brightness (0.299 R + 0.587 G + 0.114 B): items [1, height, width].</summary>
    Grayscale,

    /// <summary>Three channels, red, green and blue: items [3, height, width].</summary>
    Rgb,
}
