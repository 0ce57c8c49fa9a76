using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace ConvNet.Web.Tests;

/// <summary>
/// Every class of bad request gets its status code and problem-details JSON saying what was wrong — never a 500, never
/// a stack trace — and a failure inside the app gets a bare 500 problem.
/// </summary>
[Collection(WebAppGroup.Name)]
public sealed class BadInputTests(WebAppFixture fixture)
{
    [Theory]
    [InlineData("text/plain")]
    [InlineData("image/gif")]
    [InlineData(null)]
    public async Task Predict_ContentTypeNotAccepted_Answers415(string? contentType)
    {
        using HttpResponseMessage response = await PostAsync(fixture.App, TestPictures.FromMnist(fixture.Mnist.Test, 0), contentType);

        (await ShouldBeProblemAsync(response, HttpStatusCode.UnsupportedMediaType)).Should().Contain("image/png");
    }

    [Fact]
    public async Task Predict_BytesThatAreNoPicture_Answers400()
    {
        using HttpResponseMessage response = await PostAsync(fixture.App, Encoding.UTF8.GetBytes("not a picture"), "image/png");

        (await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest)).Should().Contain("neither a PNG nor a JPEG");
    }

    [Fact]
    public async Task Predict_PictureInAnotherFormat_Answers400()
    {
        byte[] webp = TestPictures.Encode(new byte[64 * 64], 64, 64, SKEncodedImageFormat.Webp);

        using HttpResponseMessage response = await PostAsync(fixture.App, webp, "image/png");

        (await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest)).Should().Contain("neither a PNG nor a JPEG");
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Png, "image/png")]
    [InlineData(SKEncodedImageFormat.Jpeg, "image/jpeg")]
    public async Task Predict_TruncatedPicture_Answers400(SKEncodedImageFormat format, string contentType)
    {
        byte[] picture = TestPictures.FromMnist(fixture.Mnist.Test, 0, format);

        using HttpResponseMessage response = await PostAsync(fixture.App, picture[..(picture.Length / 2)], contentType);

        (await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest)).Should().Contain("the upload");
    }

    [Fact]
    public async Task Predict_BlankPaper_Answers400SayingSo()
    {
        using HttpResponseMessage response = await PostAsync(fixture.App, TestPictures.Blank(), "image/png");

        (await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest)).Should().Contain("blank");
    }

    [Fact]
    public async Task Predict_MorePixelsThanTheLimit_Answers400BeforeDecoding()
    {
        await using var app = new DigitAppFactory(fixture.Settings(("Limits:MaxImagePixels", "10000")));

        using HttpResponseMessage response = await PostAsync(app, TestPictures.FromMnist(fixture.Mnist.Test, 0), "image/png");

        (await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest)).Should().Contain("280×280").And.Contain("10,000");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Predict_BodyOverTheLimit_Answers413(bool declaresLength)
    {
        await using var app = new DigitAppFactory(fixture.Settings(("Limits:MaxRequestBytes", "2048")));
        byte[] body = [0x89, (byte)'P', (byte)'N', (byte)'G', .. new byte[4096]];
        using HttpClient client = app.CreateClient();
        using HttpContent content = declaresLength ? new ByteArrayContent(body) : new StreamContent(new UnknownLengthStream(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");

        using HttpResponseMessage response = await client.PostAsync("/api/predict", content);

        (await ShouldBeProblemAsync(response, HttpStatusCode.RequestEntityTooLarge)).Should().Contain("2048");
    }

    [Theory]
    [InlineData("{oops", "does not read")]
    [InlineData("{\"pixels\": []}", "does not read")]
    [InlineData("null", "got null values")]
    [InlineData("[0, 1, 2]", "got 3 values")]
    [InlineData("[1.5]", "does not read")]
    public async Task Predict_JsonThatIsNot784GreyValues_Answers400(string json, string expectedDetail)
    {
        using HttpResponseMessage response = await PostAsync(fixture.App, Encoding.UTF8.GetBytes(json), "application/json");

        (await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest)).Should().Contain("784").And.Contain(expectedDetail);
    }

    [Theory]
    [InlineData(256)]
    [InlineData(-1)]
    public async Task Predict_GreyValueOutOfRange_Answers400NamingIt(int value)
    {
        int[] values = new int[784];
        values[5] = value;

        using HttpResponseMessage response = await PostAsync(fixture.App, JsonSerializer.SerializeToUtf8Bytes(values), "application/json");

        (await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest)).Should().Contain($"value 5 is {value}");
    }

    [Fact]
    public async Task Predict_FormWithoutFile_Answers400()
    {
        using HttpClient client = fixture.App.CreateClient();
        using var form = new MultipartFormDataContent { { new StringContent("7"), "digit" } };

        using HttpResponseMessage response = await client.PostAsync("/api/predict", form);

        (await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest)).Should().Contain("exactly one picture file");
    }

    [Fact]
    public async Task Predict_FormFileOfOtherType_Answers415()
    {
        using HttpClient client = fixture.App.CreateClient();
        using var file = new ByteArrayContent(Encoding.UTF8.GetBytes("seven")) { Headers = { ContentType = new MediaTypeHeaderValue("text/plain") } };
        using var form = new MultipartFormDataContent { { file, "image", "seven.txt" } };

        using HttpResponseMessage response = await client.PostAsync("/api/predict", form);

        (await ShouldBeProblemAsync(response, HttpStatusCode.UnsupportedMediaType)).Should().Contain("seven.txt");
    }

    [Fact]
    public async Task Predict_WrongMethod_Answers405Problem()
    {
        using HttpClient client = fixture.App.CreateClient();

        using HttpResponseMessage response = await client.GetAsync("/api/predict");

        await ShouldBeProblemAsync(response, HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task FailureInsideTheApp_Answers500ProblemWithoutDetails()
    {
        // A middleware at the end of the app's pipeline that fails like a bug would.
        await using var plain = new DigitAppFactory(fixture.Settings());
        await using var app = plain.WithWebHostBuilder(builder => builder.ConfigureServices(services =>
            services.AddSingleton<IStartupFilter>(new FailingEndFilter())));
        using HttpClient client = app.CreateClient();

        using HttpResponseMessage response = await client.GetAsync("/no-such-page");

        string detail = await ShouldBeProblemAsync(response, HttpStatusCode.InternalServerError);
        detail.Should().BeEmpty();
        (await response.Content.ReadAsStringAsync()).Should().NotContain("secret");
    }

    /// <summary>Checks the problem-details answer and returns its <c>detail</c> ("" when none).</summary>
    private static async Task<string> ShouldBeProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        string body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, body);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        body.Should().NotContain("Exception").And.NotMatchRegex(@"at \w+(\.\w+)+\(", "a stack trace never reaches the client");
        using JsonDocument problem = JsonDocument.Parse(body);
        problem.RootElement.GetProperty("status").GetInt32().Should().Be((int)status);
        return problem.RootElement.TryGetProperty("detail", out JsonElement detail) ? detail.GetString()! : "";
    }

    private static async Task<HttpResponseMessage> PostAsync(DigitAppFactory app, byte[] body, string? contentType)
    {
        using HttpClient client = app.CreateClient();
        using var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        return await client.PostAsync("/api/predict", content);
    }

    private sealed class FailingEndFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Run(_ => throw new InvalidOperationException("secret internals"));
        };
    }

    /// <summary>A body sent without Content-Length (chunked), so only reading it shows its size.</summary>
    private sealed class UnknownLengthStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;
    }
}
