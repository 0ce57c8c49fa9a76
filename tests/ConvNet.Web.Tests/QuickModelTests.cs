using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ConvNet.Core.Tests.Data;

namespace ConvNet.Web.Tests;

/// <summary>A first run without a model file still serves a working page: the app trains a quick model itself.</summary>
[Collection(WebAppGroup.Name)]
public sealed class QuickModelTests(WebAppFixture fixture)
{
    [Fact]
    public async Task NoModelFile_TrainsAQuickModelServesItAndWritesNoFile()
    {
        using var folder = new TemporaryFolder();
        string missing = Path.Combine(folder.Path, "model.safetensors");
        await using var app = new DigitAppFactory(new Dictionary<string, string>
        {
            ["Model:Path"] = missing,
            ["Model:QuickTrainImages"] = "5000",
        });
        using HttpClient client = app.CreateClient();

        JsonElement model = await client.GetFromJsonAsync<JsonElement>("/api/model");
        using var picture = new ByteArrayContent(TestPictures.FromMnist(fixture.Mnist.Test, 0)) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } };
        DigitPrediction answer = await Predictions.ReadAsync(await client.PostAsync("/api/predict", picture));

        model.GetProperty("source").GetString().Should().Contain("trained at start-up on 5000 MNIST images").And.Contain(missing);
        model.GetProperty("testAccuracy").GetDouble().Should().BeGreaterThan(0.8, "50 steps of Adam learn MNIST far beyond chance");
        answer.Probabilities.Should().HaveCount(10);
        folder.FileNames().Should().BeEmpty("the app writes no model file nobody asked for");
    }
}
