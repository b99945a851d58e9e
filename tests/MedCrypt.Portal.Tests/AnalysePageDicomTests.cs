using Bunit;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Analysis;
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

/// <summary>The Analyse page takes a DICOM file as the API does: analysed under the neutral name, the client's never kept.</summary>
public sealed class AnalysePageDicomTests : BunitContext
{
    private readonly PortalFactory _factory = PortalFactory.Create("Sqlite");

    public AnalysePageDicomTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(_factory.Services.GetRequiredService<AnalyseStudy>());
        Services.AddSingleton(_factory.Services.GetRequiredService<ReceiveStudy>());
        Services.AddSingleton(_factory.Services.GetRequiredService<ModelRuntime>());
        Services.AddSingleton(_factory.Services.GetRequiredService<SchemeDirectory>());
        Services.AddSingleton(_factory.Services.GetRequiredService<CircuitUploadLimiter>());
    }

    [Fact]
    public async Task A_DICOM_file_chosen_on_the_page_is_analysed_under_a_neutral_name()
    {
        AddAuthorization().SignIn("staff@medcrypt.local", Roles.Staff);
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

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _factory.Dispose();
        }
    }
}
