using Bunit;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Imaging;
using MedCrypt.Domain.Schemes;
using MedCrypt.Inference.Classification;
using MedCrypt.Portal.Components.Pages.Home;
using MedCrypt.Testing;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace MedCrypt.Portal.Tests;

public sealed class HomePageTests : BunitContext
{
    public HomePageTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(new SchemeCatalog());
        Services.AddSingleton<SchemeDirectory>();
        Services.AddSingleton(ModelRuntime.NotLoaded("no models are installed (none in this test)")); // the loaded test replaces it
        ComponentFactories.AddStub<LiveDashboard>(); // the dashboard has tests of its own, on the real database (DashboardTests)
    }

    [Fact]
    public void Lists_every_protection_scheme_with_its_capabilities()
    {
        IRenderedComponent<Home> page = Render<Home>();

        foreach (ImageProtectionScheme scheme in new SchemeCatalog().All)
        {
            Assert.Contains($"<code>{scheme.Id}</code>", page.Markup);
        }

        Assert.Equal(new SchemeCatalog().All.Count, page.FindAll("tbody tr").Count);
        // What each scheme is worth is on the page, not only its name: encryption first, block-wise obfuscation and filters labelled.
        string[] kinds = [.. page.FindAll("tbody tr").Select(row => row.QuerySelectorAll("td")[2].TextContent.Trim())];
        Assert.Equal("encryption", kinds[0]);
        Assert.Contains("obfuscation", kinds);
        Assert.Contains("filter", kinds);
    }

    [Fact]
    public void Says_when_no_models_are_installed()
    {
        IRenderedComponent<Home> page = Render<Home>();

        Assert.Contains("No models are installed", page.Find("[data-testid=models]").TextContent);
    }

    [Fact]
    public async Task Shows_the_loaded_models_and_their_device()
    {
        await using Classifier classifier = Classifier.Load(TinyModels.Options);
        Services.AddSingleton(ModelRuntime.Loaded(LoadedModels.Around(classifier, new ImageCodec(), new ScanPreparation(new ImageCodec()), new SchemeCatalog(), new AnalysisOptions())));

        string text = Render<Home>().Find("[data-testid=models]").TextContent;

        Assert.Contains("tiny-a, tiny-b", text);
        Assert.Contains("CPU", text);
        Assert.Contains("32 × 32", text);
    }
}
