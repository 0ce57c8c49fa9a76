using System.Net.Http.Json;
using System.Text.Json;
using ConvNet.Core.Models;
using ConvNet.Datasets;

namespace ConvNet.Web.Tests;

/// <summary>A model file that names its classes (here the shared model re-saved with Fashion-MNIST's garment names) is
/// served with those names: in <c>/api/model</c> and in each prediction's label.</summary>
[Collection(WebAppGroup.Name)]
public sealed class ClassNamesTests(WebAppFixture fixture) : IDisposable
{
    private readonly string _modelPath = Path.Combine(Directory.CreateTempSubdirectory("convnet-web-names-").FullName, "garments.safetensors");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_modelPath)!, recursive: true);

    [Fact]
    public async Task A_model_with_class_names_answers_with_them()
    {
        new Model(fixture.Model.Network, "garments") { ClassNames = FashionMnist.ClassNames }.Save(_modelPath);
        Model garments = Model.Load(_modelPath);
        var settings = fixture.Settings();
        settings["Model:Path"] = _modelPath;
        await using var app = new DigitAppFactory(settings);
        using HttpClient client = app.CreateClient();

        JsonElement model = await client.GetFromJsonAsync<JsonElement>("/api/model");
        model.GetProperty("labels").EnumerateArray().Select(label => label.GetString()).Should().Equal(FashionMnist.ClassNames);

        byte[] picture = TestPictures.FromMnist(fixture.Mnist.Test, 0);
        using var content = new ByteArrayContent(picture) { Headers = { ContentType = new("image/png") } };
        DigitPrediction answer = await Predictions.ReadAsync(await client.PostAsync("/api/predict", content));

        answer.ShouldBeIdentical(Predictions.ForPicture(garments, picture));
        answer.Label.Should().Be(FashionMnist.ClassNames[answer.Digit]);
    }
}
