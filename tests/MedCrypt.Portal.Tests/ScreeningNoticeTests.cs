using System.Text.Json.Nodes;
using Bunit;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Imaging;
using MedCrypt.Inference.Classification;
using MedCrypt.Portal.Components.UI;
using MedCrypt.Testing;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// Beside every verdict the portal says what it is worth: research use, the ensemble's screening point and what it
/// found and cleared on validation, read from the manifest (an outside clinical review found none of it shown).
/// </summary>
public sealed class ScreeningNoticeTests : BunitContext
{
    private readonly string _folder = Directory.CreateTempSubdirectory("medcrypt-notice-").FullName;

    public ScreeningNoticeTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    protected override void Dispose(bool disposing)
    {
        Directory.Delete(_folder, recursive: true);
        base.Dispose(disposing);
    }

    [Fact]
    public async Task Names_the_screening_point_and_what_it_found_and_cleared_on_validation()
    {
        JsonNode json = JsonNode.Parse(File.ReadAllText(Path.Combine(TinyModels.Folder, "models.json")))!;
        json["ensembleTumorThreshold"] = 0.034284;
        json["ensembleScreeningValidation"] = new JsonObject
        {
            ["lgg-flair"] = new JsonObject { ["tumors"] = 208, ["tumorsFound"] = 201, ["tumorFree"] = 325, ["tumorFreeCleared"] = 241 },
        };
        string text = await NoticeFor(json);

        Assert.Contains("Research use only, not a diagnosis", text);
        Assert.Contains("P(tumor) ≥ 3.4284 %", text);
        Assert.Contains("found 96.6 % (201 of 208) of lgg-flair's tumor slices", text);
        Assert.Contains("cleared 74.2 % (241 of 325) of lgg-flair's tumor-free ones", text);
        Assert.Contains("figures per slice", text);
        Assert.Contains("not ruled out", text);
    }

    [Fact]
    public async Task A_manifest_without_calibration_figures_is_named_uncalibrated_not_chosen_to_miss_few_tumors()
    {
        // What models.json holds after new weights are published and before calibration.py has run.
        JsonNode json = JsonNode.Parse(File.ReadAllText(Path.Combine(TinyModels.Folder, "models.json")))!;
        json.AsObject().Remove("ensembleTumorThreshold");
        json.AsObject().Remove("ensembleScreeningValidation");
        string text = await NoticeFor(json);

        Assert.Contains("not calibrated", text);
        Assert.DoesNotContain("chosen to miss few tumors", text);
        Assert.DoesNotContain("On held-out validation slices", text);
    }

    [Fact]
    public void Without_models_it_still_says_research_use_and_names_no_figure()
    {
        Services.AddSingleton(ModelRuntime.NotLoaded("none in this test"));

        string text = Render<ScreeningNotice>().Find("[data-testid=screening-notice]").TextContent;

        Assert.Contains("Research use only", text);
        Assert.DoesNotContain("%", text);
    }

    /// <summary>The notice's text with the tiny models loaded from this manifest.</summary>
    private async Task<string> NoticeFor(JsonNode json)
    {
        await using Classifier classifier = Classifier.Load(TinyModels.Options with { Manifest = Write(json) });
        Services.AddSingleton(ModelRuntime.Loaded(LoadedModels.Around(classifier, new ImageCodec(), new ScanPreparation(new ImageCodec()), new SchemeCatalog(), new AnalysisOptions())));
        return Render<ScreeningNotice>().Find("[data-testid=screening-notice]").TextContent;
    }

    private string Write(JsonNode json)
    {
        foreach (string file in Directory.GetFiles(TinyModels.Folder, "*.onnx"))
        {
            File.Copy(file, Path.Combine(_folder, Path.GetFileName(file)), overwrite: true);
        }

        string path = Path.Combine(_folder, "models.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }
}
