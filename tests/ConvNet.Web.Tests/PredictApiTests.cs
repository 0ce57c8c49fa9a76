using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ConvNet.Core.Tensors;
using SkiaSharp;

namespace ConvNet.Web.Tests;

/// <summary><c>POST /api/predict</c> with good input, <c>GET /api/model</c>, <c>/healthz</c> and the page, on the in-memory server.</summary>
[Collection(WebAppGroup.Name)]
public sealed class PredictApiTests(WebAppFixture fixture)
{
    [Theory]
    [InlineData(SKEncodedImageFormat.Png, "image/png")]
    [InlineData(SKEncodedImageFormat.Jpeg, "image/jpeg")]
    public async Task Predict_PictureOfMnistTestDigits_AnswersLikeTheLibraryAndMostlyRight(SKEncodedImageFormat format, string contentType)
    {
        using HttpClient client = fixture.App.CreateClient();
        int right = 0;
        for (int index = 0; index < 20; index++)
        {
            byte[] picture = TestPictures.FromMnist(fixture.Mnist.Test, index, format);
            using var content = new ByteArrayContent(picture) { Headers = { ContentType = new MediaTypeHeaderValue(contentType) } };

            DigitPrediction answer = await Predictions.ReadAsync(await client.PostAsync("/api/predict", content));

            answer.ShouldBeIdentical(Predictions.ForPicture(fixture.Model, picture));
            answer.Probabilities.Sum().Should().BeApproximately(1f, 1e-5f);
            right += answer.Digit == fixture.Mnist.Test.Labels[index] ? 1 : 0;
        }

        right.Should().BeGreaterThanOrEqualTo(18, "a model trained on MNIST reads printed MNIST digits");
    }

    [Fact]
    public async Task Predict_PictureAsMultipartFormFile_AnswersAsForTheRawBody()
    {
        using HttpClient client = fixture.App.CreateClient();
        byte[] picture = TestPictures.FromMnist(fixture.Mnist.Test, 0);
        using var file = new ByteArrayContent(picture) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } };
        using var form = new MultipartFormDataContent { { file, "image", "seven.png" } };

        DigitPrediction answer = await Predictions.ReadAsync(await client.PostAsync("/api/predict", form));

        answer.ShouldBeIdentical(Predictions.ForPicture(fixture.Model, picture));
    }

    [Fact]
    public async Task Predict_GreyValuesOfMnistImage_AnswersAsTheNetworkOnThatImage()
    {
        using HttpClient client = fixture.App.CreateClient();
        FloatTensor image = fixture.Mnist.Test.Inputs.SliceBatch(3, 1);
        int[] greyValues = image.ToArray().Select(value => (int)Math.Round(value * 255)).ToArray();

        DigitPrediction answer = await Predictions.ReadAsync(await client.PostAsJsonAsync("/api/predict", greyValues));

        answer.ShouldBeIdentical(Predictions.ForImage(fixture.Model, image));
        answer.Digit.Should().Be(fixture.Mnist.Test.Labels[3]);
    }

    [Fact]
    public async Task Predict_200ParallelRequests_AllAnsweredEachAsTheLibraryAnswers()
    {
        using HttpClient client = fixture.App.CreateClient();
        byte[][] pictures = Enumerable.Range(0, 200).Select(index => TestPictures.FromMnist(fixture.Mnist.Test, index)).ToArray();

        DigitPrediction[] answers = await Task.WhenAll(pictures.Select(async picture =>
        {
            using var content = new ByteArrayContent(picture) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } };
            return await Predictions.ReadAsync(await client.PostAsync("/api/predict", content));
        }));

        for (int i = 0; i < pictures.Length; i++)
        {
            answers[i].ShouldBeIdentical(Predictions.ForPicture(fixture.Model, pictures[i]));
        }
    }

    [Fact]
    public async Task Model_DescribesTheServedFile()
    {
        using HttpClient client = fixture.App.CreateClient();

        JsonElement model = await client.GetFromJsonAsync<JsonElement>("/api/model");

        model.GetProperty("name").GetString().Should().Be(QuickModel.Name);
        model.GetProperty("source").GetString().Should().Be(fixture.ModelPath);
        model.GetProperty("testAccuracy").GetDouble().Should().Be(fixture.Model.TestAccuracy!.Value).And.BeGreaterThan(0.95);
        model.GetProperty("labels").EnumerateArray().Select(label => label.GetString()).Should().Equal("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        using var architecture = JsonDocument.Parse(fixture.Model.Architecture);
        JsonElement.DeepEquals(model.GetProperty("architecture"), architecture.RootElement).Should().BeTrue("the app shows the file's own description");
        model.GetProperty("layers").EnumerateArray().Select(layer => layer.GetProperty("kind").GetString())
            .Should().Equal("Convolution", "Relu", "Pooling", "Affine", "Relu", "Affine");
        model.GetProperty("layers")[2].GetProperty("outputShape").EnumerateArray().Select(size => size.GetInt32()).Should().Equal(30, 12, 12);
        model.GetProperty("parameterCount").GetInt64().Should().Be(fixture.Model.Network.Parameters.Sum(parameter => parameter.Parameter.Value.Length));
    }

    [Fact]
    public async Task Healthz_AnswersHealthy()
    {
        using HttpClient client = fixture.App.CreateClient();

        using HttpResponseMessage response = await client.GetAsync("/healthz");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("Healthy");
    }

    [Fact]
    public async Task Root_ServesThePageWithItsScript()
    {
        using HttpClient client = fixture.App.CreateClient();

        string page = await client.GetStringAsync("/");
        string script = await client.GetStringAsync("/app.js");

        page.Should().Contain("<canvas id=\"pad\"").And.Contain("app.js");
        script.Should().Contain("api/predict");
    }
}
