using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ConvNet.Web.Tests;

/// <summary>The web app as `dotnet run` starts it (Production, so no developer exception page), with test settings.</summary>
/// <param name="settings">Configuration keys such as <c>Model:Path</c> or <c>Limits:MaxRequestBytes</c>.</param>
public sealed class DigitAppFactory(IReadOnlyDictionary<string, string> settings) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach ((string key, string value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
