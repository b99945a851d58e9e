using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Transfer;
using MedCrypt.Portal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// Studies between two (and three) real portal instances, each with its own database and keys, through the API: a
/// doctor sends, the other hospital takes the package in once, both audit it; and every package an attacker can
/// make of it — altered, truncated, addressed to someone else, from a sender nobody added, replayed, expired — is
/// refused with a problem that says why, and leaves nothing behind.
/// </summary>
public sealed class TransferTests
{
    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_study_a_doctor_sends_is_taken_in_once_protected_under_the_recipients_keys_and_audited_on_both_sides(string provider)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using Hospital a = await Hospital.OpenAsync(provider, "Hospital A");
        await using Hospital b = await Hospital.OpenAsync(provider, "Hospital B");
        (Guid bAtA, _) = await Hospital.ExchangeCardsAsync(a, b);
        string study = await a.UploadAsync(PatientNamedFile);
        byte[] original = await a.Doctor.GetByteArrayAsync($"/api/v1/studies/{study}/image/original", ct);

        // Staff cannot send (only doctors decrypt originals), and the refusal is audited (by the policy, before the use case).
        await Api.AssertProblemAsync(await a.Staff.PostAsJsonAsync($"/api/v1/studies/{study}/send", new { institution = bAtA }, ct), HttpStatusCode.Forbidden);
        HttpResponseMessage sent = await a.Doctor.PostAsJsonAsync($"/api/v1/studies/{study}/send", new { institution = bAtA }, ct);
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Equal("application/vnd.medcrypt.transfer", sent.Content.Headers.ContentType?.MediaType);
        byte[] package = await sent.Content.ReadAsByteArrayAsync(ct);
        Assert.False(Contains(package, original.AsSpan(original.Length / 2, 32)), "the package carries the original in the clear");

        // Filed under a filter or an obfuscation, B's staff, who never held the image, would see its anatomy in the
        // protected view (found by an outside review): refused before the package is opened, so it is not used up.
        foreach (string weak in new[] { "median", "block", "negative-positive", "rot13", "Pixel-Shuffle" })
        {
            await Api.AssertProblemAsync(await b.Staff.PostAsync("/api/v1/transfers", Api.Upload(package, "from-a.mctp", weak, "application/octet-stream"), ct), HttpStatusCode.BadRequest);
        }

        // Each refusal audited, and never under the sender's name for the study (it may name the patient).
        Assert.Equal(0, await TestStudies.CountAsync(b.Portal));
        await using (AsyncServiceScope scope = b.Portal.Services.CreateAsyncScope())
        {
            List<string> entries = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().AuditRecords.Select(r => r.Subject + " " + r.Detail).ToListAsync(ct);
            Assert.DoesNotContain(entries, s => s.Contains(PatientNamedFile, StringComparison.Ordinal));
            Assert.Contains(entries, s => s.StartsWith("package ", StringComparison.Ordinal) && s.Contains("'rot13' is no scheme here", StringComparison.Ordinal));
        }

        HttpResponseMessage taken = await b.Staff.PostAsync("/api/v1/transfers", Api.Upload(package, "from-a.mctp", "pixel-shuffle", "application/octet-stream"), ct);
        Assert.Equal(HttpStatusCode.Created, taken.StatusCode);
        string received = (await taken.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!;
        Assert.Equal(original, await b.Doctor.GetByteArrayAsync($"/api/v1/studies/{received}/image/original", ct));
        byte[] protectedAtB = await b.Staff.GetByteArrayAsync($"/api/v1/studies/{received}/image/protected", ct);
        Assert.NotEqual(await a.Staff.GetByteArrayAsync($"/api/v1/studies/{study}/image/protected", ct), protectedAtB); // B's own keys

        // Replayed: refused, nothing more stored.
        HttpResponseMessage replay = await b.Staff.PostAsync("/api/v1/transfers", Api.Upload(package, "again.mctp", "pixel-shuffle", "application/octet-stream"), ct);
        await Api.AssertProblemAsync(replay, HttpStatusCode.Conflict);
        Assert.Equal(1, await TestStudies.CountAsync(b.Portal));

        string[] sentLog = await AuditTrail.ReadAsync(a.Portal, ct);
        Assert.Contains("staff@medcrypt.local access.denied Denied", sentLog);
        Assert.Contains("doctor@medcrypt.local study.send Succeeded", sentLog);
        string[] takenLog = await AuditTrail.ReadAsync(b.Portal, ct);
        Assert.Contains("staff@medcrypt.local study.received Succeeded", takenLog);
        Assert.Contains("staff@medcrypt.local study.receive Denied", takenLog);
        Assert.Contains(await DetailsAsync(b.Portal, "study.received", ct), d => d.Contains("received from Hospital A", StringComparison.Ordinal) && d.Contains("sent by doctor@medcrypt.local", StringComparison.Ordinal));
        Assert.Contains(await DetailsAsync(a.Portal, "study.send", ct), d => d.Contains("to Hospital B", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Altered_truncated_misaddressed_unknown_and_expired_packages_are_refused_and_leave_nothing(string provider)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        var lifetime = TimeSpan.FromSeconds(4);
        await using Hospital a = await Hospital.OpenAsync(provider, "Hospital A", lifetime);
        await using Hospital b = await Hospital.OpenAsync(provider, "Hospital B");
        await using Hospital c = await Hospital.OpenAsync(provider, "Hospital C");
        (Guid bAtA, Guid aAtB) = await Hospital.ExchangeCardsAsync(a, b);
        (Guid cAtA, _) = await Hospital.ExchangeCardsAsync(a, c);
        string study = await a.UploadAsync();
        DateTimeOffset sentAt = DateTimeOffset.UtcNow;
        byte[] toB = await a.SendAsync(study, bAtA);
        byte[] toC = await a.SendAsync(study, cAtA);

        Dictionary<string, (byte[] Package, string Reason)> attempts = new()
        {
            ["ciphertext byte flipped"] = (Flip(toB, toB.Length - 200), "package-tampered"),
            ["signature byte flipped"] = (Flip(toB, toB.Length - 1), "package-tampered"),
            ["header rewritten to another sender's name"] = (Replace(toB, "Hospital A", "Hospital Z"), "package-tampered"),
            ["truncated"] = (toB[..^10], "package-malformed"),
            ["cut to its header"] = (toB[..200], "package-malformed"),
            ["bytes appended"] = ([.. toB, 0], "package-malformed"),
            ["a scan, not a package"] = (TestStudies.Scan(), "package-malformed"),
            ["addressed to Hospital C"] = (toC, "package-misaddressed"),
        };
        foreach ((string what, (byte[] package, string reason)) in attempts)
        {
            HttpResponseMessage response = await b.Staff.PostAsync("/api/v1/transfers", Api.Upload(package, "p.mctp", "pixel-shuffle", "application/octet-stream"), ct);
            await Api.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
            Assert.True(reason == (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("reason").GetString(), what);
        }

        // From an institution B's administrators removed: unknown.
        Assert.Equal(HttpStatusCode.NoContent, (await b.Admin.DeleteAsync($"/api/v1/institutions/{aAtB}", ct)).StatusCode);
        await AssertRefusedAsync(b, toB, "package-unknownsender", ct);
        await b.AddCardAsync(await a.CardAsync());

        // Intact, from a known sender, but past its validity.
        TimeSpan wait = sentAt + lifetime + TimeSpan.FromSeconds(1) - DateTimeOffset.UtcNow;
        await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, ct);
        await AssertRefusedAsync(b, toB, "package-expired", ct);

        Assert.Equal(0, await TestStudies.CountAsync(b.Portal));
        await using AsyncServiceScope scope = b.Portal.Services.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        Assert.Equal(0, await db.ReceivedPackages.CountAsync(ct));
        Assert.Equal(attempts.Count + 2, await db.AuditRecords.CountAsync(r => r.Action == "study.receive" && r.Outcome == AuditOutcome.Denied, ct));
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Institutions_are_for_key_administrators_cards_are_checked_and_a_row_planted_in_the_database_is_not_trusted(string provider)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using Hospital a = await Hospital.OpenAsync(provider, "Hospital A");
        await using Hospital b = await Hospital.OpenAsync(provider, "Hospital B");
        string card = await b.CardAsync();

        await Api.AssertProblemAsync(await a.Doctor.GetAsync("/api/v1/institutions", ct), HttpStatusCode.Forbidden);
        await Api.AssertProblemAsync(await a.Staff.PostAsJsonAsync("/api/v1/institutions", new { card = JsonDocument.Parse(card).RootElement }, ct), HttpStatusCode.Forbidden);
        await Api.AssertProblemAsync(await a.Admin.PostAsJsonAsync("/api/v1/institutions", new { card = "not a card" }, ct), HttpStatusCode.BadRequest);
        await Api.AssertProblemAsync(await a.Admin.PostAsJsonAsync("/api/v1/institutions", new { card = await a.CardAsync() }, ct), HttpStatusCode.BadRequest); // its own
        System.Text.Json.Nodes.JsonNode forged = System.Text.Json.Nodes.JsonNode.Parse(card)!;
        byte[] signing = Convert.FromBase64String(forged["signingKey"]!.GetValue<string>());
        signing[^1] ^= 1; // y no longer matches x: a point off the curve
        forged["signingKey"] = Convert.ToBase64String(signing);
        string offCurve = forged.ToJsonString();
        await Api.AssertProblemAsync(await a.Admin.PostAsJsonAsync("/api/v1/institutions", new { card = offCurve }, ct), HttpStatusCode.BadRequest);

        Guid added = await a.AddCardAsync(card, "Partner hospital");
        await Api.AssertProblemAsync(await a.Admin.PostAsJsonAsync("/api/v1/institutions", new { card }, ct), HttpStatusCode.Conflict); // the same keys twice
        JsonElement listed = Assert.Single((await a.Admin.GetFromJsonAsync<JsonElement>("/api/v1/institutions", ct)).EnumerateArray());
        Assert.Equal("Partner hospital", listed.GetProperty("name").GetString());
        Assert.Equal(64, listed.GetProperty("signingFingerprint").GetString()!.Length);

        // A database writer swaps the partner's signing key for one of their own: the row no longer carries a valid
        // seal, so it is not an institution any more (and a package signed with their key would come from nobody).
        await using (AsyncServiceScope scope = a.Portal.Services.CreateAsyncScope())
        {
            PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            using var mallory = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            System.Security.Cryptography.ECParameters p = mallory.ExportParameters(false);
            byte[] point = [0x04, .. p.Q.X!, .. p.Q.Y!];
            await db.Institutions.Where(r => r.Id == added).ExecuteUpdateAsync(
                s => s.SetProperty(r => r.SigningKey, point).SetProperty(r => r.SigningFingerprint, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(point))), ct);
        }

        Assert.Empty((await a.Admin.GetFromJsonAsync<JsonElement>("/api/v1/institutions", ct)).EnumerateArray());
        await Api.AssertProblemAsync(await a.Doctor.PostAsJsonAsync($"/api/v1/studies/{await a.UploadAsync()}/send", new { institution = added }, ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_study_page_sends_through_its_form_and_the_institutions_page_shows_the_fingerprints_to_compare()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using Hospital a = await Hospital.OpenAsync("Sqlite", "Hospital A");
        await using Hospital b = await Hospital.OpenAsync("Sqlite", "Hospital B");
        (Guid bAtA, _) = await Hospital.ExchangeCardsAsync(a, b);
        string study = await a.UploadAsync();

        HttpClient admin = a.Portal.CreateClient();
        await FormSignIn.SignInAsync(admin, "admin@medcrypt.local", PortalFactory.DemoPassword);
        string institutions = await admin.GetStringAsync("/admin/institutions", ct);
        string bCard = await b.CardAsync();
        string fingerprint = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Convert.FromBase64String(JsonDocument.Parse(bCard).RootElement.GetProperty("signingKey").GetString()!)));
        Assert.Contains(string.Join(' ', fingerprint.Chunk(4).Select(c => new string(c))), institutions, StringComparison.Ordinal);
        Assert.Equal(await a.CardAsync(), await admin.GetStringAsync("/admin/institutions/card.json", ct));

        HttpClient doctor = a.Portal.CreateClient();
        await FormSignIn.SignInAsync(doctor, "doctor@medcrypt.local", PortalFactory.DemoPassword);
        string page = await doctor.GetStringAsync($"/studies/{study}", ct);
        Assert.Contains("Hospital B", page, StringComparison.Ordinal);
        HttpResponseMessage sent = await doctor.PostAsync($"/studies/{study}/send", FormSignIn.Form(FormSignIn.Token(page), ("institution", bAtA.ToString("D"))), ct);
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Equal("attachment", sent.Content.Headers.ContentDisposition?.DispositionType);
        byte[] package = await sent.Content.ReadAsByteArrayAsync(ct);
        Assert.Equal(HttpStatusCode.Created, (await b.Staff.PostAsync("/api/v1/transfers", Api.Upload(package, "p.mctp", "pixel-shuffle", "application/octet-stream"), ct)).StatusCode);

        // Without the page's antiforgery token the form is refused (a cross-site form cannot make a doctor send a study).
        HttpResponseMessage forged = await doctor.PostAsync($"/studies/{study}/send", new FormUrlEncodedContent([new("institution", bAtA.ToString("D"))]), ct);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_removed_institution_stays_removed_when_a_database_writer_puts_its_sealed_row_back(string provider)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using Hospital a = await Hospital.OpenAsync(provider, "Hospital A");
        await using Hospital b = await Hospital.OpenAsync(provider, "Hospital B");
        (Guid bAtA, Guid aAtB) = await Hospital.ExchangeCardsAsync(a, b);
        InstitutionRecord copy;
        await using (AsyncServiceScope scope = b.Portal.Services.CreateAsyncScope())
        {
            copy = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Institutions.AsNoTracking().SingleAsync(r => r.Id == aAtB, ct);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await b.Admin.DeleteAsync($"/api/v1/institutions/{aAtB}", ct)).StatusCode);
        await using (AsyncServiceScope scope = b.Portal.Services.CreateAsyncScope())
        {
            PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            db.Institutions.Add(copy); // byte for byte, seal included
            await db.SaveChangesAsync(ct);
        }

        Assert.Empty((await b.Admin.GetFromJsonAsync<JsonElement>("/api/v1/institutions", ct)).EnumerateArray());
        await AssertRefusedAsync(b, await a.SendAsync(await a.UploadAsync(), bAtA), "package-unknownsender", ct);
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_partner_who_saw_another_partners_package_id_cannot_have_the_genuine_package_refused(string provider)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using Hospital a = await Hospital.OpenAsync(provider, "Hospital A");
        await using Hospital b = await Hospital.OpenAsync(provider, "Hospital B");
        await using Hospital c = await Hospital.OpenAsync(provider, "Hospital C");
        (Guid cAtA, _) = await Hospital.ExchangeCardsAsync(a, c);
        await Hospital.ExchangeCardsAsync(b, c);
        byte[] genuine = await a.SendAsync(await a.UploadAsync(), cAtA);

        // B makes a package of its own under the id it saw in A's clear header, and C takes it in first.
        InstallationIdentity mallory = await b.Portal.Services.GetRequiredService<TransferIdentity>().CurrentAsync(ct);
        InstitutionCard victim = (await c.Portal.Services.GetRequiredService<TransferIdentity>().CurrentAsync(ct)).Card;
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var header = new TransferHeader(TransferHeader.CurrentFormat, TransferPackage.Read(genuine).Header.PackageId, now, now.AddDays(1),
            new TransferParty(mallory.Card.Name, mallory.Card.SigningFingerprint), new TransferParty("Hospital C", victim.AgreementFingerprint));
        var payload = new TransferPayload(new TransferManifest(Guid.NewGuid(), "scan.png", "doctor@b", null, null), TestStudies.Scan(3));
        byte[] squatter = TransferPackage.Seal(header, payload.ToBytes(), victim.AgreementKey, mallory);

        Assert.Equal(HttpStatusCode.Created, (await c.Staff.PostAsync("/api/v1/transfers", Api.Upload(squatter, "p.mctp", "pixel-shuffle", "application/octet-stream"), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await c.Staff.PostAsync("/api/v1/transfers", Api.Upload(genuine, "p.mctp", "pixel-shuffle", "application/octet-stream"), ct)).StatusCode);
    }

    [Fact]
    public async Task A_received_study_carries_neither_the_senders_pseudonym_nor_unbounded_header_values()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using Hospital a = await Hospital.OpenAsync("Sqlite", "Hospital A");
        await using Hospital b = await Hospital.OpenAsync("Sqlite", "Hospital B");
        (Guid bAtA, _) = await Hospital.ExchangeCardsAsync(a, b);
        HttpResponseMessage up = await a.Staff.PostAsync("/api/v1/studies", Api.Upload(TestDicom.Head("Doe^Jane", "MRN-778899"), "x.dcm", "block", "application/dicom"), ct);
        Assert.Equal(HttpStatusCode.Created, up.StatusCode);
        JsonElement atA = await up.Content.ReadFromJsonAsync<JsonElement>(ct);
        HttpResponseMessage taken = await b.Staff.PostAsync("/api/v1/transfers",
            Api.Upload(await a.SendAsync(atA.GetProperty("id").GetString()!, bAtA), "p.mctp", "pixel-shuffle", "application/octet-stream"), ct);
        Assert.Equal(HttpStatusCode.Created, taken.StatusCode);
        JsonElement atB = await taken.Content.ReadFromJsonAsync<JsonElement>(ct);
        string theirs = atA.GetProperty("patientPseudonym").GetString()!;
        Assert.NotEqual(theirs, atB.GetProperty("patientPseudonym").GetString());
        Assert.DoesNotContain(theirs[..8], atB.GetProperty("fileName").GetString()!, StringComparison.Ordinal);

        // A partner's signed manifest with header values no upload could have: held to an upload's limits.
        InstallationIdentity sender = await a.Portal.Services.GetRequiredService<TransferIdentity>().CurrentAsync(ct);
        InstitutionCard to = (await b.Portal.Services.GetRequiredService<TransferIdentity>().CurrentAsync(ct)).Card;
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var header = new TransferHeader(TransferHeader.CurrentFormat, Guid.NewGuid(), now, now.AddDays(1),
            new TransferParty(sender.Card.Name, sender.Card.SigningFingerprint), new TransferParty("Hospital B", to.AgreementFingerprint));
        var metadata = new Domain.Imaging.Dicom.DicomMetadata("M/../R\n", "Series \u0007\n" + new string('x', 5000), -1, 0, int.MaxValue, "not a spacing", -1e308, 1e300, null, null);
        var payload = new TransferPayload(new TransferManifest(Guid.NewGuid(), "Doe^Jane.png", "doctor@a", "p", metadata), TestStudies.Scan(4));
        HttpResponseMessage odd = await b.Staff.PostAsync("/api/v1/transfers",
            Api.Upload(TransferPackage.Seal(header, payload.ToBytes(), to.AgreementKey, sender), "p.mctp", "pixel-shuffle", "application/octet-stream"), ct);
        Assert.Equal(HttpStatusCode.Created, odd.StatusCode);
        JsonElement stored = (await odd.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("dicom");
        Assert.Equal("MR", stored.GetProperty("modality").GetString()); // only letters and digits kept (a modality the header gate takes)
        Assert.True(stored.GetProperty("seriesDescription").GetString()!.Length <= Domain.Imaging.Dicom.DicomMetadata.MaxText);
        Assert.Equal(0, stored.GetProperty("rows").GetInt32());
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("pixelSpacing").ValueKind);
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("sliceThickness").ValueKind);

        // A package whose header says CT (a sender older than the header gate) is held to an upload's rule: not screened.
        var ct2 = new TransferHeader(TransferHeader.CurrentFormat, Guid.NewGuid(), now, now.AddDays(1),
            new TransferParty(sender.Card.Name, sender.Card.SigningFingerprint), new TransferParty("Hospital B", to.AgreementFingerprint));
        var computedTomography = new TransferPayload(new TransferManifest(Guid.NewGuid(), "x.png", "doctor@a", "p", metadata with { Modality = "CT" }), TestStudies.Scan(5));
        HttpResponseMessage notMr = await b.Staff.PostAsync("/api/v1/transfers",
            Api.Upload(TransferPackage.Seal(ct2, computedTomography.ToBytes(), to.AgreementKey, sender), "p.mctp", "pixel-shuffle", "application/octet-stream"), ct);
        await Api.AssertProblemAsync(notMr, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("modality", (await notMr.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("check").GetString());
    }

    [Fact]
    public async Task An_institution_without_a_card_or_with_an_invisible_or_reversed_name_is_refused()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using Hospital a = await Hospital.OpenAsync("Sqlite", "Hospital A");
        await using Hospital b = await Hospital.OpenAsync("Sqlite", "Hospital B");
        await Api.AssertProblemAsync(await a.Admin.PostAsJsonAsync("/api/v1/institutions", new { name = "x" }, ct), HttpStatusCode.BadRequest);
        string card = await b.CardAsync();
        foreach (string name in new[] { "\u202Eevil", "Hospital\u200BB" })
        {
            await Api.AssertProblemAsync(await a.Admin.PostAsJsonAsync("/api/v1/institutions", new { card = JsonDocument.Parse(card).RootElement, name }, ct), HttpStatusCode.BadRequest);
        }
    }

    private static async Task AssertRefusedAsync(Hospital at, byte[] package, string reason, CancellationToken ct)
    {
        HttpResponseMessage response = await at.Staff.PostAsync("/api/v1/transfers", Api.Upload(package, "p.mctp", "pixel-shuffle", "application/octet-stream"), ct);
        await Api.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal(reason, (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("reason").GetString());
    }

    /// <summary>A sender's file name that names a patient, as exports often do.</summary>
    private const string PatientNamedFile = "Doe_John_MRN12345.png";

    private static async Task<List<string>> DetailsAsync(PortalFactory portal, string action, CancellationToken ct)
    {
        await using AsyncServiceScope scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().AuditRecords.Where(r => r.Action == action).Select(r => r.Detail).ToListAsync(ct);
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        byte[] copy = [.. bytes];
        copy[at] ^= 0x01;
        return copy;
    }

    private static byte[] Replace(byte[] bytes, string from, string to)
    {
        byte[] copy = [.. bytes];
        int at = copy.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(from));
        Assert.True(at >= 0);
        System.Text.Encoding.UTF8.GetBytes(to).CopyTo(copy, at);
        return copy;
    }

    private static bool Contains(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>One hospital: a portal of its own (database, key file, keys) and its admin, doctor and staff on the API.</summary>
    private sealed class Hospital : IAsyncDisposable
    {
        private Hospital(PortalFactory portal) => Portal = portal;

        public PortalFactory Portal { get; }

        public HttpClient Admin { get; private set; } = null!;

        public HttpClient Doctor { get; private set; } = null!;

        public HttpClient Staff { get; private set; } = null!;

        public static async Task<Hospital> OpenAsync(string provider, string name, TimeSpan? lifetime = null)
        {
            PortalFactory portal = PortalFactory.Create(provider);
            portal.Settings["Transfer:InstitutionName"] = name;
            if (lifetime is { } l)
            {
                portal.Settings["Transfer:PackageLifetime"] = l.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
            }

            var hospital = new Hospital(portal);
            hospital.Admin = await Api.SignedInAsync(portal, "admin@medcrypt.local");
            hospital.Doctor = await Api.SignedInAsync(portal, "doctor@medcrypt.local");
            hospital.Staff = await Api.SignedInAsync(portal, "staff@medcrypt.local");
            return hospital;
        }

        /// <summary>Each adds the other's card; returns (the second's id at the first, the first's id at the second).</summary>
        public static async Task<(Guid, Guid)> ExchangeCardsAsync(Hospital first, Hospital second) =>
            (await first.AddCardAsync(await second.CardAsync()), await second.AddCardAsync(await first.CardAsync()));

        public async Task<string> CardAsync() => await Admin.GetStringAsync("/api/v1/institutions/self", TestContext.Current.CancellationToken);

        public async Task<Guid> AddCardAsync(string card, string? name = null)
        {
            HttpResponseMessage response = await Admin.PostAsJsonAsync("/api/v1/institutions", new { card = JsonDocument.Parse(card).RootElement, name }, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetGuid();
        }

        public async Task<string> UploadAsync(string fileName = "scan.png")
        {
            HttpResponseMessage response = await Staff.PostAsync("/api/v1/studies", Api.Upload(TestStudies.Scan(), fileName, "block"), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetString()!;
        }

        public async Task<byte[]> SendAsync(string study, Guid institution)
        {
            HttpResponseMessage response = await Doctor.PostAsJsonAsync($"/api/v1/studies/{study}/send", new { institution }, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        }

        public ValueTask DisposeAsync()
        {
            Admin?.Dispose();
            Doctor?.Dispose();
            Staff?.Dispose();
            Portal.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
