using System.Text.Json;
using System.Text.Json.Nodes;
using ConvNet.Core.Serialization;
using ConvNet.Core.Tensors;
using ConvNet.Datasets.DigitImages;

namespace ConvNet.Datasets.Images;

/// <summary>
/// How a picture file becomes a network input: decode (PNG, JPEG, BMP, GIF, TGA, PSD), read as grey or RGB with
/// transparency over white, crop or stretch to the input size with area averaging, scale pixels to [0, 1], and
/// normalize each channel. Training (<see cref="ImageFolderDataset"/>) and prediction use the same transform; save it
/// with the model (<see cref="ToJson"/> as the model property <see cref="PropertyKey"/>) so a picture is read later
/// exactly as the training pictures were.
/// </summary>
/// <remarks>Stateless once built: safe to use from many threads.</remarks>
public sealed class ImageTransform
{
    /// <summary>The key of the model property (<c>ConvNet.Core.Models.Model.Properties</c>) that holds <see cref="ToJson"/>.</summary>
    public const string PropertyKey = "image_transform";

    /// <summary>The largest width or height of a network input this transform produces.</summary>
    public const int MaxSize = 4096;

    /// <summary>Describes the transform.</summary>
    /// <param name="width">The input width in pixels, 1 to <see cref="MaxSize"/>.</param>
    /// <param name="height">The input height in pixels, 1 to <see cref="MaxSize"/>.</param>
    /// <param name="color">Grey (1 channel) or RGB (3 channels).</param>
    /// <param name="resize">How pictures of another aspect ratio are fitted.</param>
    /// <param name="normalization">Per-channel statistics to standardize with; null to keep pixels in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range or an enum value is unknown.</exception>
    /// <exception cref="ArgumentException">The normalization has another channel count.</exception>
    public ImageTransform(int width, int height, ImageColorMode color, ImageResizeMode resize = ImageResizeMode.Stretch, ChannelNormalization? normalization = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, MaxSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, MaxSize);
        if (!Enum.IsDefined(color))
        {
            throw new ArgumentOutOfRangeException(nameof(color), color, "Unknown colour mode.");
        }

        if (!Enum.IsDefined(resize))
        {
            throw new ArgumentOutOfRangeException(nameof(resize), resize, "Unknown resize mode.");
        }

        Width = width;
        Height = height;
        Color = color;
        Resize = resize;
        if (normalization is not null && normalization.ChannelCount != ChannelCount)
        {
            throw new ArgumentException(
                $"A {color} transform has {ChannelCount} channel(s); the normalization has {normalization.ChannelCount}.", nameof(normalization));
        }

        Normalization = normalization;
    }

    /// <summary>The input width in pixels.</summary>
    public int Width { get; }

    /// <summary>The input height in pixels.</summary>
    public int Height { get; }

    /// <summary>Grey or RGB.</summary>
    public ImageColorMode Color { get; }

    /// <summary>How pictures of another aspect ratio are fitted.</summary>
    public ImageResizeMode Resize { get; }

    /// <summary>The per-channel statistics inputs are standardized with; null when pixels stay in [0, 1].</summary>
    public ChannelNormalization? Normalization { get; }

    /// <summary>1 for grey, 3 for RGB.</summary>
    public int ChannelCount => Color == ImageColorMode.Rgb ? 3 : 1;

    /// <summary>The shape of one network input: [channels, height, width].</summary>
    public TensorShape ItemShape => new(ChannelCount, Height, Width);

    /// <summary>This transform with other normalization statistics.</summary>
    public ImageTransform WithNormalization(ChannelNormalization? normalization) => new(Width, Height, Color, Resize, normalization);

    /// <summary>Reads a picture file into a network input [1, channels, height, width].</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is no picture the decoder reads, or it is too large.</exception>
    public FloatTensor ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var input = new FloatTensor(1, ChannelCount, Height, Width);
        ReadInto(ImageDecoder.ReadFile(path), path, input.Span, normalize: true);
        return input;
    }

    /// <summary>Reads a picture from a stream (an upload, say) into a network input [1, channels, height, width].</summary>
    /// <param name="stream">The encoded picture, read to its end.</param>
    /// <param name="name">What to call it in messages.</param>
    /// <exception cref="InvalidDataException">The bytes are no picture the decoder reads, or they are too many.</exception>
    public FloatTensor Read(Stream stream, string name = "the picture")
    {
        ArgumentNullException.ThrowIfNull(stream);
        var input = new FloatTensor(1, ChannelCount, Height, Width);
        ReadInto(ImageDecoder.ReadStream(stream, name), name, input.Span, normalize: true);
        return input;
    }

    /// <summary>Decodes <paramref name="encoded"/> into one item [channels, height, width], normalized when asked.</summary>
    internal void ReadInto(byte[] encoded, string name, Span<float> item, bool normalize)
    {
        GrayImage[] planes = ImageDecoder.Decode(encoded, Color, name);
        int planeSize = Width * Height;
        for (int channel = 0; channel < planes.Length; channel++)
        {
            GrayImage fitted = AreaResize.Resize(Fit(planes[channel]), Width, Height);
            Span<float> target = item.Slice(channel * planeSize, planeSize);
            fitted.Pixels.CopyTo(target);
            if (normalize && Normalization is not null)
            {
                float mean = Normalization.Mean[channel];
                float scale = 1f / Normalization.StandardDeviation[channel];
                foreach (ref float pixel in target)
                {
                    pixel = (pixel - mean) * scale;
                }
            }
        }
    }

    /// <summary>
    /// The transform as JSON, such as
    /// <c>{"width":32,"height":32,"color":"rgb","resize":"stretch","mean":[0.49,0.48,0.45],"std":[0.25,0.24,0.26]}</c>.
    /// </summary>
    public string ToJson()
    {
        var json = new JsonObject
        {
            ["width"] = Width,
            ["height"] = Height,
            ["color"] = Color == ImageColorMode.Rgb ? "rgb" : "grayscale",
            ["resize"] = Resize == ImageResizeMode.Stretch ? "stretch" : "center-crop",
        };
        if (Normalization is not null)
        {
            json["mean"] = new JsonArray([.. Normalization.Mean.Select(value => JsonValue.Create(value))]);
            json["std"] = new JsonArray([.. Normalization.StandardDeviation.Select(value => JsonValue.Create(value))]);
        }

        return json.ToJsonString();
    }

    /// <summary>Reads what <see cref="ToJson"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The text is not such JSON, or a value is missing or out of range.</exception>
    public static ImageTransform FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            JsonObject root = JsonNode.Parse(json)?.AsObject() ?? throw new InvalidDataException("The image transform is JSON null.");
            ImageColorMode color = Required(root, "color").GetValue<string>() switch
            {
                "rgb" => ImageColorMode.Rgb,
                "grayscale" => ImageColorMode.Grayscale,
                var other => throw new InvalidDataException($"Unknown colour mode {UntrustedText.Quote(other)} in the image transform; expected rgb or grayscale."),
            };
            ImageResizeMode resize = Required(root, "resize").GetValue<string>() switch
            {
                "stretch" => ImageResizeMode.Stretch,
                "center-crop" => ImageResizeMode.CenterCrop,
                var other => throw new InvalidDataException($"Unknown resize mode {UntrustedText.Quote(other)} in the image transform; expected stretch or center-crop."),
            };
            ChannelNormalization? normalization = root["mean"] is JsonArray mean && root["std"] is JsonArray deviation
                ? new ChannelNormalization([.. mean.Select(Number)], [.. deviation.Select(Number)])
                : null;
            return new ImageTransform(Required(root, "width").GetValue<int>(), Required(root, "height").GetValue<int>(), color, resize, normalization);
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            // The transform comes with a model file, which may come from a stranger: the JSON is quoted cut short. The
            // reason is the parser's or a constructor's own words, on one line ("… (Parameter 'width') Actual value was 0.").
            throw new InvalidDataException(
                $"The image transform {UntrustedText.Quote(json)} is not valid: {UntrustedText.Reason(exception)}", exception);
        }

        static JsonNode Required(JsonObject root, string name) =>
            root[name] ?? throw new InvalidDataException($"The image transform has no '{name}'.");

        static float Number(JsonNode? node) => node?.GetValue<float>() ?? throw new InvalidDataException("A normalization value is null.");
    }

    /// <summary>The region of <paramref name="picture"/> that is scaled to the input: all of it, or its centre at the input's aspect ratio.</summary>
    private GrayImage Fit(GrayImage picture)
    {
        if (Resize == ImageResizeMode.Stretch)
        {
            return picture;
        }

        // The widest region of aspect Width:Height that fits: full width or full height.
        long widthTimesHeight = (long)picture.Width * Height;
        long heightTimesWidth = (long)picture.Height * Width;
        int regionWidth = widthTimesHeight > heightTimesWidth ? (int)Math.Max(1, Math.Round((double)picture.Height * Width / Height)) : picture.Width;
        int regionHeight = widthTimesHeight > heightTimesWidth ? picture.Height : (int)Math.Max(1, Math.Round((double)picture.Width * Height / Width));
        if (regionWidth == picture.Width && regionHeight == picture.Height)
        {
            return picture;
        }

        int left = (picture.Width - regionWidth) / 2;
        int top = (picture.Height - regionHeight) / 2;
        return picture.Crop(new PixelBox(left, top, left + regionWidth - 1, top + regionHeight - 1));
    }
}
