namespace ConvNet.Datasets.Images;

/// <summary>How a picture of another shape is brought to the network's input size.</summary>
public enum ImageResizeMode
{
    /// <summary>Scale the whole picture to the target size, changing its aspect ratio if it differs.</summary>
    Stretch,

    /// <summary>Cut the largest centred region of the target's aspect ratio, then scale it (no distortion; the edges are lost).</summary>
    CenterCrop,
}
