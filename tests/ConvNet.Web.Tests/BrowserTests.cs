using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ConvNet.Web.Tests;

/// <summary>
/// The page in a real browser: Debian's Chromium (driven by Playwright, whose driver ships in its NuGet package;
/// its own browser download does not work offline) against the app on Kestrel at 127.0.0.1. Real mouse strokes
/// draw a 7 and a 0, keys draw a 1; screenshots go to the test output's <c>screenshots</c> folder.
/// </summary>
[Collection(WebAppGroup.Name)]
[SuppressMessage("Design", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class BrowserTests(WebAppFixture fixture) : IAsyncLifetime
{
    /// <summary>Where Chromium is: Debian's package (installed by .ci/run), or <c>CONVNET_CHROMIUM</c>.</summary>
    private static readonly string ChromiumPath = Environment.GetEnvironmentVariable("CONVNET_CHROMIUM") ?? "/usr/bin/chromium";

    // Without the background-networking flags Chromium keeps calling out, and a closed network refuses it.
    private static readonly string[] ChromiumFlags =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    // Generous: the page answers in milliseconds, but CI runs other test assemblies beside this one on two cores.
    private static readonly LocatorAssertionsToHaveTextOptions Patiently = new() { Timeout = 60_000 };

    private readonly string _screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");
    private DigitAppFactory? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private IPage? _page;

    private IPage Page => _page ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync()
    {
        File.Exists(ChromiumPath).Should().BeTrue(
            $"the browser test drives Chromium at {ChromiumPath}: `apt-get install chromium` (as .ci/run does) or set CONVNET_CHROMIUM");

        _app = new DigitAppFactory(fixture.Settings());
        _app.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _app.StartServer();
        string address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumFlags,
        });
        _page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 820, Height = 860 } });
        await _page.GotoAsync(address);
        Directory.CreateDirectory(_screenshots);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task DrawingWithTheMouse_ShowsSevenThenZero_ClearResets()
    {
        await DrawWithMouseAsync([(70, 60), (210, 60), (120, 230)]);
        await Expect(Page.Locator("#digit")).ToHaveTextAsync("7", Patiently);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_screenshots, "seven.png") });

        await Page.ClickAsync("#clear");
        await ShouldBeClearAsync();

        await DrawWithMouseAsync(Ellipse(centreX: 140, centreY: 140, radiusX: 60, radiusY: 95, points: 48));
        await Expect(Page.Locator("#digit")).ToHaveTextAsync("0", Patiently);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_screenshots, "zero.png") });

        await Page.ClickAsync("#clear");
        await ShouldBeClearAsync();
    }

    [Fact]
    public async Task DrawingWithTheKeyboard_ShowsOne()
    {
        await Page.FocusAsync("#pad");
        for (int i = 0; i < 7; i++)
        {
            await Page.Keyboard.PressAsync("ArrowUp");   // from the centre (140, 140) up to (140, 56), 12 pixels a key
        }

        await Page.Keyboard.PressAsync("Space");         // pen down
        for (int i = 0; i < 14; i++)
        {
            await Page.Keyboard.PressAsync("ArrowDown"); // a stroke down to (140, 224)
        }

        await Page.Keyboard.PressAsync("Space");         // pen up
        await WaitForAnswerAsync();
        await Expect(Page.Locator("#digit")).ToHaveTextAsync("1", Patiently);

        await Page.Keyboard.PressAsync("Escape");
        await ShouldBeClearAsync();
    }

    /// <summary>One stroke through <paramref name="points"/> (canvas pixels of the 280×280 pad), pressed, moved and released like a hand.</summary>
    private async Task DrawWithMouseAsync((float X, float Y)[] points)
    {
        LocatorBoundingBoxResult box = (await Page.Locator("#pad").BoundingBoxAsync())!;
        (float X, float Y) OnPage((float X, float Y) point) => (box.X + (point.X * box.Width / 280), box.Y + (point.Y * box.Height / 280));

        (float x, float y) = OnPage(points[0]);
        await Page.Mouse.MoveAsync(x, y);
        await Page.Mouse.DownAsync();
        foreach ((float X, float Y) point in points.Skip(1))
        {
            (x, y) = OnPage(point);
            await Page.Mouse.MoveAsync(x, y, new MouseMoveOptions { Steps = 8 });
        }

        await Page.Mouse.UpAsync();
        await WaitForAnswerAsync();
    }

    /// <summary>Waits until the page shows the answer for everything drawn so far (its output's <c>data-busy</c> is false).</summary>
    private async Task WaitForAnswerAsync() =>
        await Expect(Page.Locator("#digit")).ToHaveAttributeAsync("data-busy", "false", new LocatorAssertionsToHaveAttributeOptions { Timeout = 60_000 });

    private async Task ShouldBeClearAsync()
    {
        await Expect(Page.Locator("#digit")).ToHaveTextAsync("–");
        await Expect(Page.Locator("#bars .value")).ToHaveTextAsync(Enumerable.Repeat("0%", 10).ToArray());
        bool padIsWhite = await Page.EvaluateAsync<bool>(
            "() => { const pad = document.getElementById('pad'); return pad.getContext('2d').getImageData(0, 0, pad.width, pad.height).data.every(v => v === 255); }");
        padIsWhite.Should().BeTrue("Clear wipes the drawing");
    }

    private static (float X, float Y)[] Ellipse(float centreX, float centreY, float radiusX, float radiusY, int points) =>
        Enumerable.Range(0, points + 1)
            .Select(i => 2 * MathF.PI * i / points)
            .Select(angle => (centreX + (radiusX * MathF.Sin(angle)), centreY - (radiusY * MathF.Cos(angle))))
            .ToArray();
}
