using System.Net;
using System.Security.Claims;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Studies;

namespace MedCrypt.Portal.Tests;

/// <summary>The study page through the real portal: staff see the protected image and a lock, doctors the decrypt button, auditors nothing.</summary>
public sealed class StudyPagesTests
{
    [Fact]
    public async Task Each_role_sees_what_it_may_of_a_study()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        var staffUser = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "staff@medcrypt.local"), new Claim(ClaimTypes.Role, Roles.Staff)], "test"));
        StudyDetails study = await TestStudies.For(factory).AnalyseAsync(staffUser, "scan.png", TestStudies.Scan(), "block", ct); // a flat gray square is not a brain slice: the gate refuses it
        string page = $"/studies/{study.Id:D}";

        HttpClient staff = factory.CreateClient(new() { AllowAutoRedirect = false });
        await FormSignIn.SignInAsync(staff, "staff@medcrypt.local", PortalFactory.DemoPassword);
        string staffView = await staff.GetStringAsync(page, ct);
        Assert.Contains("data-testid=\"protected-pane\"", staffView);
        Assert.Contains("Only doctors see the original image.", staffView);
        Assert.DoesNotContain("show-original", staffView);

        HttpClient doctor = factory.CreateClient(new() { AllowAutoRedirect = false });
        await FormSignIn.SignInAsync(doctor, "doctor@medcrypt.local", PortalFactory.DemoPassword);
        string doctorView = await doctor.GetStringAsync(page, ct);
        Assert.Contains("show-original", doctorView);
        Assert.DoesNotContain("Only doctors see the original image.", doctorView);

        HttpClient auditor = factory.CreateClient(new() { AllowAutoRedirect = false });
        await FormSignIn.SignInAsync(auditor, "auditor@medcrypt.local", PortalFactory.DemoPassword);
        HttpResponseMessage denied = await auditor.GetAsync(page, ct);
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.Contains("/account/denied", denied.Headers.Location?.OriginalString);
    }
}
