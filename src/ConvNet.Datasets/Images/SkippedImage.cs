namespace ConvNet.Datasets.Images;

/// <summary>A file of an image folder that could not be read as a picture, and why.</summary>
/// <param name="Path">The file.</param>
/// <param name="Reason">What went wrong, naming the file, such as <c>'a.png' is not a PNG, JPEG, BMP, GIF, TGA or PSD image.</c></param>
public sealed record SkippedImage(string Path, string Reason);
