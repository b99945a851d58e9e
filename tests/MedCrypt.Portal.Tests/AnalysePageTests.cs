using Bunit;
using MedCrypt.Crypto.Images;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Imaging;
using MedCrypt.Domain.Schemes;
using MedCrypt.Domain.Studies;
using MedCrypt.Domain.Transfer;
using MedCrypt.Portal.Components.Pages.Studies;
using MedCrypt.Portal.Data;
using MedCrypt.Portal.RateLimiting;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// The Analyse page: several files, a row and a progress bar each, sent, then screened or stopped by the gate, slice by
/// slice; a DICOM file analysed as the API does, under the neutral name (the client's never kept).
/// </summary>
public sealed class AnalysePageTests : BunitContext
{
    private readonly PortalFactory _factory = PortalFactory.Create("Sqlite");

    public AnalysePageTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(_factory.Services.GetRequiredService<AnalyseStudy>());
        Services.AddSingleton(_factory.Services.GetRequiredService<ReceiveStudy>());
        Services.AddSingleton(_factory.Services.GetRequiredService<ModelRuntime>());
        Services.AddSingleton(_factory.Services.GetRequiredService<SchemeDirectory>());
        Services.AddSingleton(_factory.Services.GetRequiredService<CircuitUploadLimiter>());
        AddAuthorization().SignIn("staff@medcrypt.local", Roles.Staff);
    }

    [Fact]
    public void Each_file_of_a_series_shows_its_own_progress_to_its_verdict()
    {
        IRenderedComponent<Analyse> page = Render<Analyse>();
        page.FindComponent<InputFile>().UploadFiles(
            InputFileContent.CreateFromBinary(TestStudies.Scan(1), "one.png", contentType: "image/png"),
            InputFileContent.CreateFromBinary(Blank(), "neck.png", contentType: "image/png"),
            InputFileContent.CreateFromBinary(TestStudies.Scan(3), "three.png", contentType: "image/png"));
        Assert.Equal(["waiting", "waiting", "waiting"], States(page));
        Assert.Contains("one.png", page.Find("[data-testid=uploads]").TextContent);

        page.Find("[data-testid=analyse]").Click();

        NavigationManager navigation = Services.GetRequiredService<NavigationManager>();
        page.WaitForAssertion(() => Assert.Contains("/studies/", navigation.Uri, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        page.WaitForAssertion(() => Assert.Equal(["screened", "not a brain slice: not screened", "screened"], States(page)));
        Assert.Empty(page.FindAll("[data-testid=error]"));
    }

    [Fact]
    public async Task A_file_that_cannot_be_read_refuses_the_series_and_the_files_can_be_sent_again()
    {
        IRenderedComponent<Analyse> page = Render<Analyse>();
        page.FindComponent<InputFile>().UploadFiles(
            InputFileContent.CreateFromBinary(TestStudies.Scan(1), "one.png", contentType: "image/png"),
            InputFileContent.CreateFromBinary("not an image"u8.ToArray(), "two.png", contentType: "image/png"));

        page.Find("[data-testid=analyse]").Click();

        page.WaitForAssertion(() => Assert.Contains("Slice 2 of 2", page.Find("[data-testid=error]").TextContent), TimeSpan.FromSeconds(30));
        Assert.Equal(["waiting", "waiting"], States(page));
        Assert.False(page.Find("[data-testid=analyse]").HasAttribute("disabled"));
        Assert.Equal(0, await TestStudies.CountAsync(_factory));
    }

    [Fact]
    public async Task A_DICOM_file_chosen_on_the_page_is_analysed_under_a_neutral_name()
    {
        IRenderedComponent<Analyse> page = Render<Analyse>();

        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(TestDicom.Head("Doe^Jane", "MRN-4242"), "Doe_Jane_MRN-4242.dcm", contentType: "application/dicom"));
        page.Find("[data-testid=analyse]").Click();

        NavigationManager navigation = Services.GetRequiredService<NavigationManager>();
        page.WaitForAssertion(() => Assert.Contains("/studies/", navigation.Uri, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.Empty(page.FindAll("[data-testid=error]"));
        await using AsyncServiceScope scope = _factory.Services.CreateAsyncScope();
        StudyRecord study = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Studies.SingleAsync(Xunit.TestContext.Current.CancellationToken);
        Assert.Matches("^dicom-mr-[0-9a-f]{8}\\.dcm$", study.FileName);
        Assert.NotNull(study.PatientPseudonym);
    }

    private static string[] States(IRenderedComponent<Analyse> page) => [.. page.FindAll("[data-testid=upload-state]").Select(e => e.TextContent.Trim())];

    private static byte[] Blank()
    {
        var image = new PixelImage(128, 128, PixelFormat.Gray8);
        image.Pixels.Fill(3);
        return new ImageCodec().EncodePng(image);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _factory.Dispose();
        }
    }
}
