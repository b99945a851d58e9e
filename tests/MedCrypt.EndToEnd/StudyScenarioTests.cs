using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedCrypt.EndToEnd;

/// <summary>A scan's way through the portal in a real browser: staff upload it, doctors compare it, auditors see only the trail.</summary>
public sealed partial class StudyScenarioTests(PortalInBrowser portal) : BrowserScenario(portal)
{
    [Fact(Timeout = 180_000)]
    public Task Staff_upload_a_scan_see_its_predictions_and_a_lock_instead_of_the_original() => ScenarioAsync(async () =>
    {
        IPage staff = await SignInAsync("staff");

        Guid id = await UploadAsync(staff, "phantom-staff.png", HeadPhantom.Png());

        // The study page it lands on, and the same page opened afresh: the study was stored, not just shown.
        foreach (bool reopened in new[] { false, true })
        {
            if (reopened)
            {
                await staff.GotoAsync($"/studies/{id:D}");
            }

            await Expect(staff.GetByRole(AriaRole.Heading, new() { Name = "phantom-staff.png" })).ToBeVisibleAsync();
            await Expect(staff.Locator("code", new() { HasText = "pixel-shuffle" })).ToBeVisibleAsync(); // the default scheme
            ILocator rows = staff.GetByTestId("predictions").Locator("tbody tr");
            await Expect(rows).ToHaveCountAsync(3);
            foreach (string model in new[] { "tiny-a", "tiny-b", "ensemble" })
            {
                ILocator row = rows.Filter(new() { HasText = model });
                await Expect(row).ToContainTextAsync(LabelPattern());
                await Expect(row).ToContainTextAsync(ProbabilityPattern());
            }

            Assert.True(await LoadedWidthAsync(staff.GetByTestId("protected-pane").Locator("img")) > 0);
            await Expect(staff.GetByTestId("locked")).ToHaveTextAsync("Only doctors see the original image.");
            await Expect(staff.GetByTestId("original-pane").Locator("img")).ToHaveCountAsync(0);
            await Expect(staff.GetByTestId("show-original")).ToHaveCountAsync(0);
        }
    });

    [Fact(Timeout = 180_000)]
    public Task Doctors_see_the_protected_and_the_decrypted_original_side_by_side() => ScenarioAsync(async () =>
    {
        IPage staff = await SignInAsync("staff");
        Guid id = await UploadAsync(staff, "phantom-doctor.png", HeadPhantom.Png());

        // Signing in from the study's address comes back to it.
        IPage doctor = await SignInAsync("doctor", $"/studies/{id:D}");
        await Expect(doctor).ToHaveURLAsync(new Regex($"/studies/{id:D}$"));
        await Expect(doctor.GetByRole(AriaRole.Heading, new() { Name = "phantom-doctor.png" })).ToBeVisibleAsync();
        Assert.True(await LoadedWidthAsync(doctor.GetByTestId("protected-pane").Locator("img")) > 0);
        await Expect(doctor.GetByTestId("locked")).ToHaveCountAsync(0);

        await WaitForInteractiveAsync(doctor, "show-original");
        await doctor.GetByTestId("show-original").ClickAsync();

        ILocator original = doctor.GetByTestId("original-image");
        Assert.Equal(HeadPhantom.Width, await LoadedWidthAsync(original));
        Assert.Equal(HeadPhantom.Height, await original.EvaluateAsync<int>("img => img.naturalHeight"));
        Assert.True(await LoadedWidthAsync(doctor.GetByTestId("protected-pane").Locator("img")) > 0);

        // Window and level by a right-button drag in the browser: right widens (already at its widest), up raises the level.
        var box = (await original.BoundingBoxAsync())!;
        await doctor.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        await doctor.Mouse.DownAsync(new() { Button = MouseButton.Right });
        await doctor.Mouse.MoveAsync(box.X + box.Width / 2 - 40, box.Y + box.Height / 2 - 30, new() { Steps = 5 });
        await doctor.Mouse.UpAsync(new() { Button = MouseButton.Right });
        await Expect(doctor.GetByTestId("window-level-values")).ToHaveTextAsync("W 215 / L 158");
        Assert.StartsWith("1.186", await doctor.Locator("feFuncR").First.GetAttributeAsync("slope")); // 255 / 215

        // One visit, one entry each: the prerender opened the study, the live circuit unsealed the images.
        string subject = $"study/{id:D}";
        Assert.Equal(1, await AuditEntriesAsync(Email("doctor"), "study.open", subject));
        Assert.Equal(1, await AuditEntriesAsync(Email("doctor"), "protected.view", subject));
        Assert.Equal(1, await AuditEntriesAsync(Email("doctor"), "original.view", subject));
    });

    [Fact(Timeout = 180_000)]
    public Task A_doctor_scrolls_a_series_with_the_wheel_without_leaving_the_page() => ScenarioAsync(async () =>
    {
        IPage staff = await SignInAsync("staff");
        await staff.GotoAsync("/analyse");
        await WaitForInteractiveAsync(staff, "file");
        await staff.GetByTestId("file").SetInputFilesAsync(new[]
        {
            new FilePayload { Name = "wheel-1.png", MimeType = "image/png", Buffer = HeadPhantom.Png() },
            new FilePayload { Name = "wheel-2.png", MimeType = "image/png", Buffer = HeadPhantom.Png() },
        });
        await Expect(staff.GetByTestId("upload")).ToHaveCountAsync(2); // a row and a bar a file
        await staff.GetByTestId("analyse").ClickAsync();
        await Expect(staff).ToHaveURLAsync(StudyUrlPattern());
        Guid shown = Guid.Parse(StudyUrlPattern().Match(staff.Url).Groups["id"].Value);

        IPage doctor = await SignInAsync("doctor", $"/studies/{shown:D}");
        await WaitForInteractiveAsync(doctor, "show-original");
        await doctor.GetByTestId("show-original").ClickAsync();
        Assert.Equal(HeadPhantom.Width, await LoadedWidthAsync(doctor.GetByTestId("original-image")));
        await doctor.EvaluateAsync("() => window.medcryptNotReloaded = true");
        bool onFirst = (await doctor.GetByTestId("series").TextContentAsync())!.Contains("Slice 1 of 2", StringComparison.Ordinal);

        // One notch over the protected pane: the other slice, both panes, the same page (no reload).
        await doctor.GetByTestId("protected-image").HoverAsync();
        await doctor.Mouse.WheelAsync(0, onFirst ? 120 : -120);
        await Expect(doctor.GetByTestId("series")).ToContainTextAsync(onFirst ? "Slice 2 of 2" : "Slice 1 of 2");
        await Expect(doctor).Not.ToHaveURLAsync(new Regex($"/studies/{shown:D}$"));
        Assert.Equal(HeadPhantom.Width, await LoadedWidthAsync(doctor.GetByTestId("original-image")));
        Assert.True(await doctor.EvaluateAsync<bool>("() => window.medcryptNotReloaded === true"), "The page was reloaded: the slice did not change in the circuit.");
        Assert.Equal(0, await doctor.EvaluateAsync<double>("() => window.scrollY")); // the wheel moved slices, not the page
    });

    [Fact(Timeout = 180_000)]
    public Task Auditors_read_the_trail_of_an_upload_but_never_see_an_image() => ScenarioAsync(async () =>
    {
        IPage staff = await SignInAsync("staff");
        Guid id = await UploadAsync(staff, "phantom-auditor.png", HeadPhantom.Png());

        IPage auditor = await SignInAsync("auditor");
        await Expect(auditor.GetByRole(AriaRole.Link, new() { Name = "Analyse" })).ToHaveCountAsync(0);
        await auditor.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await Expect(auditor).ToHaveURLAsync(new Regex("/audit$"));

        // Other people work at the same time: the auditor narrows the log to one person at a time.
        ILocator entries = auditor.GetByTestId("audit-table").Locator("tbody tr");
        await WaitForInteractiveAsync(auditor, "apply");
        await FilterAuditLogAsync(auditor, Email("staff"));
        await Expect(entries.Filter(new() { HasText = $"study/{id:D}" }).Filter(new() { HasText = "study.analysed" })).ToContainTextAsync(Email("staff"));
        await FilterAuditLogAsync(auditor, Email("auditor"));
        await Expect(entries.Filter(new() { HasText = "sign-in" }).First).ToContainTextAsync("Succeeded");
        await Expect(entries.Filter(new() { HasText = "study.analysed" })).ToHaveCountAsync(0); // staff's entries are filtered out
        await auditor.GetByTestId("verify").ClickAsync();
        await Expect(auditor.GetByTestId("verify-result")).ToContainTextAsync("nothing was altered");
        await Expect(auditor.Locator("img")).ToHaveCountAsync(0);

        // The prediction history names the upload but links to no image.
        await auditor.GetByRole(AriaRole.Link, new() { Name = "History" }).ClickAsync();
        await Expect(auditor).ToHaveURLAsync(new Regex("/history$"));
        ILocator upload = auditor.GetByTestId("history-grid").Locator("tbody tr").Filter(new() { HasText = "phantom-auditor.png" });
        await Expect(upload.First).ToContainTextAsync(Email("staff"));
        await Expect(upload.Locator("a[href^='/studies/']")).ToHaveCountAsync(0);
        await upload.GetByRole(AriaRole.Link, new() { Name = "Audit trail" }).ClickAsync(); // but to the upload's trail
        await Expect(auditor).ToHaveURLAsync(new Regex("/audit\\?subject=study%2F"));
        await Expect(auditor.GetByTestId("audit-table").Locator("tbody tr").Filter(new() { HasText = "study.analysed" })).ToHaveCountAsync(1);
        await Expect(auditor.Locator("img")).ToHaveCountAsync(0);

        // Typing the study's address is refused before any of it is rendered.
        await auditor.GotoAsync($"/studies/{id:D}");
        await Expect(auditor).ToHaveURLAsync(new Regex("/account/denied"));
        await Expect(auditor.GetByText("Your role does not give access to that page.")).ToBeVisibleAsync();
        await Expect(auditor.Locator("img")).ToHaveCountAsync(0);
        Assert.DoesNotContain("data:image", await auditor.ContentAsync(), StringComparison.Ordinal);
    });

    private static async Task FilterAuditLogAsync(IPage auditor, string actor)
    {
        await auditor.Locator("[data-testid=filter-actor] input, input[data-testid=filter-actor]").First.FillAsync(actor);
        await auditor.GetByTestId("apply").ClickAsync();
    }

    [GeneratedRegex("glioma|meningioma|notumor|pituitary")]
    private static partial Regex LabelPattern();

    [GeneratedRegex(@"\d{1,3}(\.\d)? ?%")]
    private static partial Regex ProbabilityPattern();
}
