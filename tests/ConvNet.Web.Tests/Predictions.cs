using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ConvNet.Core.Models;
using ConvNet.Core.Tensors;
using ConvNet.Datasets;
using ConvNet.Mnist;

namespace ConvNet.Web.Tests;

/// <summary>What the app should answer, computed by calling the libraries directly, and how to read its answers.</summary>
internal static class Predictions
{
    /// <summary>The answer for an uploaded picture: the shared decoder, the datasets package's preprocessor, the network.</summary>
    public static DigitPrediction ForPicture(Model model, byte[] encoded)
    {
        using var bytes = new MemoryStream(encoded);
        (float[] luminance, int width, int height) = ImageFile.ReadGrayscale(bytes, "the picture");
        return ForImage(model, MnistImagePreprocessor.ToMnist(luminance, width, height));
    }

    /// <summary>The answer for a [1, 1, 28, 28] image the network takes as it is.</summary>
    public static DigitPrediction ForImage(Model model, FloatTensor image)
    {
        float[] probabilities = model.PredictProbabilities(image).ToArray();
        ClassScore best = model.PredictTopK(image, k: 1)[0][0];
        return new DigitPrediction(best.ClassIndex, best.Label, probabilities, image.ToArray());
    }

    /// <summary>The app's answer, which must be 200 with JSON.</summary>
    public static async Task<DigitPrediction> ReadAsync(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<DigitPrediction>(JsonSerializerOptions.Web))!;
    }

    /// <summary>Checks that two answers are the same to the last bit.</summary>
    public static void ShouldBeIdentical(this DigitPrediction actual, DigitPrediction expected)
    {
        actual.Digit.Should().Be(expected.Digit);
        actual.Label.Should().Be(expected.Label);
        actual.Probabilities.Should().Equal(expected.Probabilities);
        actual.Image.Should().Equal(expected.Image);
    }
}
