using ConvNet.Web;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

// `loadtest` measures a server of its own instead of serving (see LoadTest).
if (args is ["loadtest", .. var loadTestArgs])
{
    return await LoadTest.RunAsync(loadTestArgs).ConfigureAwait(false);
}

// The page and its files are served from beside the program, so `dotnet run --project` works from any folder.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--model"] = $"{ModelOptions.Section}:{nameof(ModelOptions.Path)}" });

// Services: options bound from configuration and checked at start-up, the one shared classifier, errors as problem details.
builder.Services.AddOptions<ModelOptions>().BindConfiguration(ModelOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<PredictionLimits>().BindConfiguration(PredictionLimits.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton(services => ModelLoader.LoadOrTrain(
    services.GetRequiredService<IOptions<ModelOptions>>().Value, services.GetRequiredService<ILogger<DigitClassifier>>()));
builder.Services.AddSingleton<PredictionInputReader>();
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<BadRequestHandler>();
builder.Services.AddHealthChecks();

// Limits: request bodies capped by Kestrel too, and at most MaxConcurrentPredictions predictions in memory at once.
builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<PredictionLimits>>(
    (kestrel, limits) => kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBytes);
builder.Services.AddRateLimiter(_ => { });
builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<PredictionLimits>>((limiter, limits) =>
{
    limiter.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
    limiter.AddConcurrencyLimiter("predict", slots => (slots.PermitLimit, slots.QueueLimit) = (limits.Value.MaxConcurrentPredictions, limits.Value.QueueLimit));
});

var app = builder.Build();
try
{
    app.Services.GetRequiredService<DigitClassifier>();   // load (or train) the model now, before the server listens
}
catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or OptionsValidationException)
{
    Log.CannotStart(app.Logger, e.Message);   // a bad model file, no MNIST for the quick model, a wrong setting
    return 1;
}

// Endpoints: the page (wwwroot), the prediction API, the model's description, health.
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseRateLimiter();

app.MapPost("/api/predict", async (HttpRequest request, PredictionInputReader reader, DigitClassifier classifier, CancellationToken cancellation) =>
    classifier.Predict(await reader.ReadAsync(request, cancellation).ConfigureAwait(false)))
    .RequireRateLimiting("predict");
app.MapGet("/api/model", (DigitClassifier classifier) => classifier.Description);
app.MapHealthChecks("/healthz");

await app.RunAsync().ConfigureAwait(false);
return 0;
