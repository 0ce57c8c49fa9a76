using System.Text.Json;
using ConvNet.Core.Tensors;
using ConvNet.Datasets;
using ConvNet.Mnist;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ConvNet.Web;

/// <summary>
/// Reads the body of <c>POST /api/predict</c> into the [1, 1, 28, 28] image the network takes. A PNG or JPEG (the
/// raw body, or one file of a multipart form) goes through the same decoding and <see cref="MnistImagePreprocessor"/>
/// as the console sample's <c>predict --image</c>; a JSON array of 784 grey values already is that image.
/// </summary>
/// <remarks>
/// Whatever is wrong with a request ends in a <see cref="BadHttpRequestException"/> carrying the status code (400, 413
/// or 415) and a message for the client, which <see cref="BadRequestHandler"/> turns into problem details.
/// </remarks>
internal sealed class PredictionInputReader(IOptions<PredictionLimits> limits)
{
    private const int Side = MnistImagePreprocessor.ImageSize;

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] JpegSignature = [0xFF, 0xD8, 0xFF];

    private static readonly string ExpectedGreyValues = $"a JSON array of {Side * Side} whole numbers from 0 to 255: "
        + $"a {Side}×{Side} image row by row, 0 background and 255 ink as in the MNIST files";

    private readonly PredictionLimits _limits = limits.Value;

    /// <summary>The network's input for this request.</summary>
    /// <exception cref="BadHttpRequestException">The request is not a digit picture or grey-value array within the limits.</exception>
    public async Task<FloatTensor> ReadAsync(HttpRequest request, CancellationToken cancellation)
    {
        string? mediaType = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed.MediaType.Value : null;
        if (IsPicture(mediaType))
        {
            return FromPicture(await ReadBodyAsync(request, cancellation).ConfigureAwait(false));
        }

        if (Is(mediaType, "application/json"))
        {
            return FromGreyValues(await ReadBodyAsync(request, cancellation).ConfigureAwait(false));
        }

        if (Is(mediaType, "multipart/form-data"))
        {
            return FromPicture(await ReadFormFileAsync(request, cancellation).ConfigureAwait(false));
        }

        throw new BadHttpRequestException(
            $"Send a PNG or JPEG picture (Content-Type image/png or image/jpeg, or one file in multipart/form-data) or a JSON "
            + $"array of {Side * Side} grey values (application/json); got Content-Type '{request.ContentType}'.",
            StatusCodes.Status415UnsupportedMediaType);
    }

    private static bool Is(string? mediaType, string expected) => string.Equals(mediaType, expected, StringComparison.OrdinalIgnoreCase);

    private static bool IsPicture(string? mediaType) => Is(mediaType, "image/png") || Is(mediaType, "image/jpeg");

    private FloatTensor FromPicture(ArraySegment<byte> encoded)
    {
        if (!encoded.AsSpan().StartsWith(PngSignature) && !encoded.AsSpan().StartsWith(JpegSignature))
        {
            throw new BadHttpRequestException("The picture is neither a PNG nor a JPEG (its first bytes are not either signature).");
        }

        try
        {
            using var bytes = new MemoryStream(encoded.Array!, encoded.Offset, encoded.Count, writable: false);
            (float[] luminance, int width, int height) = ImageFile.ReadGrayscale(bytes, "the upload", _limits.MaxImagePixels);
            return MnistImagePreprocessor.ToMnist(luminance, width, height);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            // InvalidDataException: undecodable, truncated or too many pixels; ArgumentException: no digit in it (blank).
            throw new BadHttpRequestException(e.Message, e);
        }
    }

    private static FloatTensor FromGreyValues(ArraySegment<byte> json)
    {
        int[]? values;
        try
        {
            values = JsonSerializer.Deserialize<int[]>(json.AsSpan());
        }
        catch (JsonException e)
        {
            throw new BadHttpRequestException($"Expected {ExpectedGreyValues}; the JSON does not read as that: {e.Message}", e);
        }

        if (values?.Length != Side * Side)
        {
            throw new BadHttpRequestException($"Expected {ExpectedGreyValues}; got {values?.Length.ToString() ?? "null"} values.");
        }

        var image = new FloatTensor(1, 1, Side, Side);
        Span<float> pixels = image.Span;
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] is < 0 or > 255)
            {
                throw new BadHttpRequestException($"Expected {ExpectedGreyValues}; value {i} is {values[i]}.");
            }

            pixels[i] = values[i] / 255f;   // the scaling MnistDataset applies to the IDX bytes
        }

        return image;
    }

    private async Task<ArraySegment<byte>> ReadBodyAsync(HttpRequest request, CancellationToken cancellation)
    {
        CheckSize(request.ContentLength);
        using var body = new MemoryStream((int)(request.ContentLength ?? 16 * 1024));
        byte[] chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellation).ConfigureAwait(false)) > 0)
        {
            CheckSize(body.Length + read);
            body.Write(chunk, 0, read);
        }

        return new ArraySegment<byte>(body.GetBuffer(), 0, (int)body.Length);
    }

    private async Task<ArraySegment<byte>> ReadFormFileAsync(HttpRequest request, CancellationToken cancellation)
    {
        CheckSize(request.ContentLength);
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellation).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new BadHttpRequestException($"The multipart form cannot be read: {e.Message}", e);
        }

        if (form.Files is not [var file])
        {
            throw new BadHttpRequestException($"Send exactly one picture file in the form; got {form.Files.Count}.");
        }

        if (!IsPicture(file.ContentType))
        {
            throw new BadHttpRequestException(
                $"The file '{file.FileName}' is '{file.ContentType}'; image/png or image/jpeg expected.", StatusCodes.Status415UnsupportedMediaType);
        }

        CheckSize(file.Length);
        var bytes = new byte[file.Length];
        await using Stream stream = file.OpenReadStream();
        await stream.ReadExactlyAsync(bytes, cancellation).ConfigureAwait(false);
        return bytes;
    }

    private void CheckSize(long? bytes)
    {
        if (bytes > _limits.MaxRequestBytes)
        {
            throw new BadHttpRequestException(
                $"The request body is over the {_limits.MaxRequestBytes}-byte limit.", StatusCodes.Status413PayloadTooLarge);
        }
    }
}
