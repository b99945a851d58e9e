using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;
using MedCrypt.Portal.Auditing;
using MedCrypt.Portal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// A writer with full access to the database (not to the signing key file or the heads file) rewrites the audit log
/// after heads were published, recomputing the chain so that it verifies on its own. Each rewrite is caught by the
/// online verification (/api/v1/audit/verify), by the offline command, and by the publisher, which then refuses to
/// sign; on SQLite and PostgreSQL.
/// </summary>
public sealed class AuditAnchorTests
{
    public static TheoryData<string, string> Rewrites() => OnEachProvider("delete", "edit", "reorder", "truncate", "replace");

    public static TheoryData<string, string> PaddedRewrites() => OnEachProvider("writer", "publisher");

    public static TheoryData<string, string> QuietEdits() => OnEachProvider("edit-in-place", "delete-earlier");

    private static TheoryData<string, string> OnEachProvider(params string[] variants)
    {
        var data = new TheoryData<string, string>();
        foreach (string provider in new[] { "Sqlite", "Postgres" })
        {
            foreach (string variant in variants)
            {
                data.Add(provider, variant);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Rewrites))]
    public async Task A_rewritten_audit_log_is_caught_online_offline_and_by_the_publisher(string provider, string rewrite)
    {
        using PortalFactory portal = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        AuditLog audit = portal.Services.GetRequiredService<AuditLog>();
        AuditAnchor anchor = await StartedAnchorAsync(portal, ct);
        await AnalysesAsync(audit, 8, ct);
        Assert.NotNull(await anchor.PublishAsync(ct));
        HttpClient auditor = await Api.SignedInAsync(portal, "auditor@medcrypt.local");
        HttpClient admin = await Api.SignedInAsync(portal, "admin@medcrypt.local"); // an operator's session, open before the rewrite
        ChainVerification before = (await auditor.GetFromJsonAsync<ChainVerification>("/api/v1/audit/verify", ct))!;
        Assert.True(before.Valid, before.Reason);
        Assert.Equal(0, await OfflineAsync(portal));
        await anchor.PublishAsync(ct); // the sign-in and the verification are anchored too

        await RewriteAsync(portal, rewrite, ct);
        Assert.Null(await audit.VerifyAsync(ct)); // the hash chain alone is fooled by every one of them

        // The verification is still answered (it is how the auditor learns why), and says what the heads say.
        ChainVerification online = (await auditor.GetFromJsonAsync<ChainVerification>("/api/v1/audit/verify", ct))!;
        Assert.False(online.Valid);
        Assert.Contains(rewrite == "truncate" ? "were removed" : "do not match the head signed", online.Reason);
        Assert.Equal(1, await OfflineAsync(portal));

        // The writer noticed that its own last entry is gone or changed: nothing audited is served from now on.
        Assert.NotNull(audit.Rewritten);
        await Assert.ThrowsAsync<ServiceUnavailableException>(() => audit.RecordAsync("staff@medcrypt.local", "study.analysed", "study/9", AuditOutcome.Succeeded, "", ct));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await admin.GetAsync("/api/v1/admin/users", ct)).StatusCode);

        await AppendBehindTheWriterAsync(portal, ct); // the log grew: a head is due
        Assert.Null(await anchor.PublishAsync(ct));
        Assert.NotNull(anchor.Refusal);
        string health = await (await admin.GetAsync("/health", ct)).Content.ReadAsStringAsync(ct);
        Assert.Contains("Unhealthy", health);
        Assert.Contains("audit log was rewritten", health);
    }

    [Fact]
    public async Task The_offline_command_runs_as_a_process_and_rejects_a_forged_head_line_and_another_key()
    {
        using PortalFactory portal = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        AuditLog audit = portal.Services.GetRequiredService<AuditLog>();
        AuditAnchor anchor = await StartedAnchorAsync(portal, ct);
        await audit.RecordAsync("a@medcrypt.local", "study.analysed", "study/1", AuditOutcome.Succeeded, "", ct);
        Assert.NotNull(await anchor.PublishAsync(ct));
        (int exit, string line) = await ProcessAsync(portal, ct);
        Assert.True(exit == 0, line);
        Assert.StartsWith("audit log valid", line);

        // A line appended with a wrong signature (a genuine head's signature on another root).
        string heads = anchor.Options.HeadsFile!;
        SignedTreeHead genuine = TreeHeadFile.Read(heads)[^1].Head!;
        byte[] otherRoot = (byte[])genuine.RootHash.Clone();
        otherRoot[0] ^= 1;
        await File.AppendAllTextAsync(heads, TreeHeadJson.Write(genuine with { TreeSize = genuine.TreeSize + 1, RootHash = otherRoot, ConsistencyFrom = genuine.TreeSize }) + "\n", ct);
        (exit, line) = await ProcessAsync(portal, ct);
        Assert.Equal(1, exit);
        Assert.Contains("signature does not verify", line);

        // A head signed by another key, offered with that key's id.
        using TreeHeadSigner other = TreeHeadSigner.FromSeed(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        string otherHeads = heads + ".other";
        await File.WriteAllTextAsync(otherHeads, TreeHeadJson.Write(other.Sign(genuine.TreeSize, genuine.RootHash, DateTimeOffset.UtcNow, null, [])) + "\n", ct);
        try
        {
            var output = new StringWriter();
            using (Environment(portal))
            {
                Assert.Equal(1, await AuditCommand.RunAsync(["verify", "--heads", otherHeads], output));
            }

            Assert.Contains("signed by another key", output.ToString());
        }
        finally
        {
            File.Delete(otherHeads);
        }
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_deleted_heads_file_is_not_a_fresh_start(string provider)
    {
        using PortalFactory portal = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        AuditLog audit = portal.Services.GetRequiredService<AuditLog>();
        AuditAnchor anchor = await StartedAnchorAsync(portal, ct);
        await AnalysesAsync(audit, 6, ct);
        Assert.NotNull(await anchor.PublishAsync(ct));

        // Whoever rewrites the log also removes the evidence; a publisher that took a missing file for "nothing yet"
        // would now sign the rewritten log from scratch.
        HttpClient admin = await Api.SignedInAsync(portal, "admin@medcrypt.local");
        File.Delete(anchor.Options.HeadsFile!);
        await RewriteAsync(portal, "delete", ct);
        await AppendBehindTheWriterAsync(portal, ct);

        Assert.Null(await anchor.PublishAsync(ct));
        Assert.Contains("no heads file", anchor.Refusal);
        Assert.False(File.Exists(anchor.Options.HeadsFile)); // nothing was signed
        AuditVerification online = await anchor.VerifyAsync(ct);
        Assert.False(online.Valid);
        Assert.Contains("cannot verify", online.Reason);
        Assert.Equal(2, await OfflineAsync(portal)); // unusable, not "valid"
        string health = await (await admin.GetAsync("/health", ct)).Content.ReadAsStringAsync(ct);
        Assert.Contains("no heads file", health);
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_trigger_that_deletes_each_original_view_as_it_is_written_stops_the_portal_at_the_next_access(string provider)
    {
        using PortalFactory portal = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        AuditAnchor anchor = await StartedAnchorAsync(portal, ct);
        HttpClient staff = await Api.SignedInAsync(portal, "staff@medcrypt.local");
        HttpClient doctor = await Api.SignedInAsync(portal, "doctor@medcrypt.local");
        HttpClient admin = await Api.SignedInAsync(portal, "admin@medcrypt.local");
        HttpResponseMessage created = await staff.PostAsync("/api/v1/studies", Api.Upload(TestStudies.Scan(), "scan.png", "block"), ct);
        string id = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct)).GetProperty("id").GetString()!;
        Assert.NotNull(await anchor.PublishAsync(ct));

        // A database writer hides a doctor's views: each original.view entry is deleted the moment it is inserted.
        await using (AsyncServiceScope scope = portal.Services.CreateAsyncScope())
        {
            string trigger = provider == "Postgres"
                ? """
                    CREATE FUNCTION hide_views() RETURNS trigger AS $$ BEGIN DELETE FROM "AuditEvents" WHERE "Sequence" = NEW."Sequence"; RETURN NULL; END $$ LANGUAGE plpgsql;
                    CREATE TRIGGER hide_views AFTER INSERT ON "AuditEvents" FOR EACH ROW WHEN (NEW."Action" = 'original.view') EXECUTE FUNCTION hide_views();
                    """
                : """CREATE TRIGGER hide_views AFTER INSERT ON "AuditEvents" WHEN NEW."Action" = 'original.view' BEGIN DELETE FROM "AuditEvents" WHERE "Sequence" = NEW."Sequence"; END;""";
            await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Database.ExecuteSqlRawAsync(trigger, ct);
        }

        // The first view is served (its entry was written, then deleted behind the writer's back: this is the one access
        // the trigger hides, until the portal restarts) ...
        Assert.Equal(HttpStatusCode.OK, (await doctor.GetAsync($"/api/v1/studies/{id}/image/original", ct)).StatusCode);

        // ... and at the next audited access the writer sees its own entry gone: nothing more is served.
        await Api.AssertProblemAsync(await doctor.GetAsync($"/api/v1/studies/{id}/image/original", ct), HttpStatusCode.ServiceUnavailable);
        await Api.AssertProblemAsync(await staff.GetAsync($"/api/v1/studies/{id}/image/protected", ct), HttpStatusCode.ServiceUnavailable);
        Assert.Contains("is gone", portal.Services.GetRequiredService<AuditLog>().Rewritten);
        Assert.Null(await anchor.PublishAsync(ct));
        Assert.Contains("no longer trusts", anchor.Refusal);
        HttpResponseMessage health = await admin.GetAsync("/health", ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains("audit log was rewritten", await health.Content.ReadAsStringAsync(ct));
    }

    [Theory]
    [MemberData(nameof(PaddedRewrites))]
    public async Task A_view_removed_after_the_last_head_with_the_log_padded_past_it_is_caught(string provider, string catcher)
    {
        using PortalFactory portal = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        AuditLog audit = portal.Services.GetRequiredService<AuditLog>();
        AuditAnchor anchor = await StartedAnchorAsync(portal, ct);
        await AnalysesAsync(audit, 4, ct);
        SignedTreeHead head = (await anchor.PublishAsync(ct))!;
        await audit.RecordAsync("doctor@medcrypt.local", "original.view", "study/1", AuditOutcome.Succeeded, "", ct);
        string heads = await File.ReadAllTextAsync(anchor.Options.HeadsFile!, ct);

        // Everything after the head is replaced by two harmless entries, chained on: the log now ends past the view,
        // so its tip alone no longer shows that the view is gone (the outside review's attack).
        await using (AsyncServiceScope scope = portal.Services.CreateAsyncScope())
        {
            PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            AuditEvent last = (await db.AuditRecords.AsNoTracking().SingleAsync(r => r.Sequence == head.TreeSize, ct)).ToEvent();
            await db.AuditRecords.Where(r => r.Sequence > head.TreeSize).ExecuteDeleteAsync(ct);
            AuditEvent first = AuditChain.Append(last, last.At, last.Actor, last.Action, last.Subject, last.Outcome, last.Detail);
            AuditEvent second = AuditChain.Append(first, first.At, first.Actor, first.Action, first.Subject, first.Outcome, first.Detail);
            db.AuditRecords.AddRange(AuditRecord.From(first), AuditRecord.From(second));
            await db.SaveChangesAsync(ct);
        }

        if (catcher == "writer")
        {
            await Assert.ThrowsAsync<ServiceUnavailableException>(() => audit.RecordAsync("doctor@medcrypt.local", "original.view", "study/1", AuditOutcome.Succeeded, "", ct));
        }

        Assert.Null(await anchor.PublishAsync(ct));
        Assert.Contains("appended by this portal, is changed", anchor.Refusal);
        Assert.Equal(heads, await File.ReadAllTextAsync(anchor.Options.HeadsFile!, ct)); // nothing signed over it
        Assert.Contains("is changed", audit.Rewritten);
    }

    [Theory]
    [MemberData(nameof(QuietEdits))]
    public async Task A_view_edited_in_place_stops_the_writer_and_an_earlier_one_deleted_stops_it_at_the_next_head(string provider, string edit)
    {
        using PortalFactory portal = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        AuditLog audit = portal.Services.GetRequiredService<AuditLog>();
        AuditAnchor anchor = await StartedAnchorAsync(portal, ct);
        await AnalysesAsync(audit, 3, ct);
        Assert.NotNull(await anchor.PublishAsync(ct));
        AuditEvent view = await audit.RecordAsync("doctor@medcrypt.local", "original.view", "study/1", AuditOutcome.Succeeded, "", ct);
        if (edit == "delete-earlier")
        {
            await audit.RecordAsync("staff@medcrypt.local", "study.analysed", "study/2", AuditOutcome.Succeeded, "", ct);
        }

        await using (AsyncServiceScope scope = portal.Services.CreateAsyncScope())
        {
            PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            IQueryable<AuditRecord> row = db.AuditRecords.Where(r => r.Sequence == view.Sequence);
            _ = edit == "edit-in-place"
                ? await row.ExecuteUpdateAsync(u => u.SetProperty(r => r.Action, "dashboard.view"), ct) // the Hash column left as it was
                : await row.ExecuteDeleteAsync(ct);
        }

        if (edit == "delete-earlier")
        {
            // The writer's own last entry is intact: it notices nothing until the publisher's pass over the log.
            await audit.RecordAsync("staff@medcrypt.local", "study.analysed", "study/3", AuditOutcome.Succeeded, "", ct);
            Assert.Null(audit.Rewritten);
            Assert.Null(await anchor.PublishAsync(ct));
            Assert.NotNull(anchor.Refusal);
        }

        await Assert.ThrowsAsync<ServiceUnavailableException>(() => audit.RecordAsync("doctor@medcrypt.local", "original.view", "study/1", AuditOutcome.Succeeded, "", ct));
        Assert.NotNull(audit.Rewritten);
        Assert.Null(await anchor.PublishAsync(ct));
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_row_made_unreadable_is_a_refusal_that_stops_the_writer_and_an_invalid_log_not_a_failure_retried_for_ever(string provider)
    {
        using PortalFactory portal = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        AuditLog audit = portal.Services.GetRequiredService<AuditLog>();
        AuditAnchor anchor = await StartedAnchorAsync(portal, ct);
        await AnalysesAsync(audit, 3, ct);
        Assert.NotNull(await anchor.PublishAsync(ct));

        // The first entry no longer reads (the writer reads only the newest and its own, so it does not notice).
        await using (AsyncServiceScope scope = portal.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Database.ExecuteSqlRawAsync(provider == "Sqlite"
                ? "UPDATE \"AuditEvents\" SET \"At\" = 'poisoned' WHERE \"Sequence\" = 1"
                : "ALTER TABLE \"AuditEvents\" ALTER COLUMN \"Detail\" DROP NOT NULL; UPDATE \"AuditEvents\" SET \"Detail\" = NULL WHERE \"Sequence\" = 1", ct);
        }

        await audit.RecordAsync("doctor@medcrypt.local", "original.view", "study/1", AuditOutcome.Succeeded, "", ct);
        Assert.Null(await anchor.PublishAsync(ct));
        Assert.Contains("entry 1 does not read", anchor.Refusal);
        Assert.NotNull(audit.Rewritten);
        await Assert.ThrowsAsync<ServiceUnavailableException>(() => audit.RecordAsync("doctor@medcrypt.local", "original.view", "study/1", AuditOutcome.Succeeded, "", ct));
        AuditVerification online = await anchor.VerifyAsync(ct);
        Assert.False(online.Valid);
        Assert.Equal(1, online.BrokenAt);
        Assert.Equal(1, await OfflineAsync(portal)); // invalid, not "cannot verify"
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task The_newest_row_made_unreadable_stops_the_writer_at_its_next_append_not_a_500_for_ever(string provider)
    {
        using PortalFactory portal = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        AuditLog audit = portal.Services.GetRequiredService<AuditLog>();
        AuditAnchor anchor = await StartedAnchorAsync(portal, ct);
        await AnalysesAsync(audit, 3, ct);
        Assert.NotNull(await anchor.PublishAsync(ct));
        AuditEvent view = await audit.RecordAsync("doctor@medcrypt.local", "original.view", "study/1", AuditOutcome.Succeeded, "", ct);
        await using (AsyncServiceScope scope = portal.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Database.ExecuteSqlAsync(
                $"UPDATE \"AuditEvents\" SET \"Outcome\" = 'Hidden' WHERE \"Sequence\" = {view.Sequence}", ct);
        }

        await Assert.ThrowsAsync<ServiceUnavailableException>(() => audit.RecordAsync("doctor@medcrypt.local", "original.view", "study/1", AuditOutcome.Succeeded, "", ct));
        Assert.Contains("cannot be read", audit.Rewritten);
        Assert.Null(await anchor.PublishAsync(ct));
        Assert.NotNull(anchor.Refusal);
        Assert.False((await anchor.VerifyAsync(ct)).Valid);
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Accesses_wait_once_no_head_could_be_published_for_longer_than_the_bound_and_go_on_once_one_is(string provider)
    {
        using PortalFactory portal = PortalFactory.Create(provider);
        portal.Settings["Audit:MaxUnanchored"] = "00:00:02";
        CancellationToken ct = TestContext.Current.CancellationToken;
        AuditLog audit = portal.Services.GetRequiredService<AuditLog>();
        AuditAnchor anchor = await StartedAnchorAsync(portal, ct);
        await AnalysesAsync(audit, 2, ct);
        Assert.NotNull(await anchor.PublishAsync(ct));

        // The heads file is gone (a directory in its place): nothing can be published.
        string heads = await File.ReadAllTextAsync(anchor.Options.HeadsFile!, ct);
        File.Delete(anchor.Options.HeadsFile!);
        Directory.CreateDirectory(anchor.Options.HeadsFile!);
        try
        {
            await audit.RecordAsync("doctor@medcrypt.local", "original.view", "study/1", AuditOutcome.Succeeded, "", ct);
            Assert.Null(await anchor.PublishAsync(ct));
            Assert.Null(audit.Held); // within the bound: accesses go on
            await Task.Delay(TimeSpan.FromSeconds(2.5), ct);
            Assert.Null(await anchor.PublishAsync(ct));
            Assert.NotNull(anchor.Refusal);
            Assert.NotNull(audit.Held);
            Assert.Null(audit.Rewritten); // held back, not stopped
            await Assert.ThrowsAsync<ServiceUnavailableException>(() => audit.RecordAsync("doctor@medcrypt.local", "original.view", "study/1", AuditOutcome.Succeeded, "", ct));
            HttpResponseMessage health = await portal.CreateClient().GetAsync("/health", ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        }
        finally
        {
            // Once a head is published again, audited actions go on (nothing was lost: not a rewrite).
            Directory.Delete(anchor.Options.HeadsFile!);
            await File.WriteAllTextAsync(anchor.Options.HeadsFile!, heads, ct);
        }

        Assert.NotNull(await anchor.PublishAsync(ct));
        Assert.Null(audit.Held);
        await audit.RecordAsync("doctor@medcrypt.local", "original.view", "study/1", AuditOutcome.Succeeded, "", ct);
        Assert.True((await anchor.VerifyAsync(ct)).Valid);
    }

    [Fact]
    public async Task A_full_scan_made_to_fail_as_an_outage_while_point_reads_work_holds_accesses_back_within_the_bound()
    {
        using PortalFactory portal = PortalFactory.Create("Postgres");
        portal.Settings["Audit:MaxUnanchored"] = "00:00:02";
        CancellationToken ct = TestContext.Current.CancellationToken;
        AuditLog audit = portal.Services.GetRequiredService<AuditLog>();
        AuditAnchor anchor = await StartedAnchorAsync(portal, ct);
        await AnalysesAsync(audit, 3, ct);
        Assert.NotNull(await anchor.PublishAsync(ct));

        // The full scan raises "admin shutdown" (an outage's SQLSTATE) unless the query has a LIMIT, as the writer's
        // point reads do (the security review's attack).
        await GateTheLogAsync(portal, """
            IF seq = 1 AND current_query() NOT LIKE '%LIMIT%' THEN
              RAISE EXCEPTION 'terminating connection due to administrator command' USING ERRCODE = '57P01';
            END IF;
            """, ct);
        await audit.RecordAsync("doctor@medcrypt.local", "original.view", "study/1", AuditOutcome.Succeeded, "", ct);
        await Task.Delay(TimeSpan.FromSeconds(2.5), ct);
        await Assert.ThrowsAnyAsync<Exception>(() => anchor.PublishAsync(ct));
        Assert.NotNull(audit.Held);
        await Assert.ThrowsAsync<ServiceUnavailableException>(() => audit.RecordAsync("doctor@medcrypt.local", "original.view", "study/1", AuditOutcome.Succeeded, "", ct));
    }

    [Fact]
    public async Task A_publisher_pass_that_never_ends_still_holds_accesses_back_once_the_bound_is_past()
    {
        using PortalFactory portal = PortalFactory.Create("Postgres");
        portal.Settings["Audit:MaxUnanchored"] = "00:00:02";
        CancellationToken ct = TestContext.Current.CancellationToken;
        AuditLog audit = portal.Services.GetRequiredService<AuditLog>();
        AuditAnchor anchor = await StartedAnchorAsync(portal, ct);
        await AnalysesAsync(audit, 6, ct);
        Assert.NotNull(await anchor.PublishAsync(ct));

        // The full scan drips a row a second (each read inside the command timeout), the writer's LIMIT reads do not.
        await GateTheLogAsync(portal, "IF current_query() NOT LIKE '%LIMIT%' THEN PERFORM pg_sleep(1); END IF;", ct);

        await audit.RecordAsync("doctor@medcrypt.local", "original.view", "study/1", AuditOutcome.Succeeded, "", ct);
        Task<SignedTreeHead?> pass = anchor.PublishAsync(ct); // hangs in the scan
        await Task.Delay(TimeSpan.FromSeconds(2.5), ct);
        Assert.False(pass.IsCompleted);
        Assert.NotNull(audit.Held);
        await Assert.ThrowsAsync<ServiceUnavailableException>(() => audit.RecordAsync("doctor@medcrypt.local", "original.view", "study/1", AuditOutcome.Succeeded, "", ct));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await portal.CreateClient().GetAsync("/health", ct)).StatusCode);
        await Record.ExceptionAsync(() => pass);
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task After_a_restart_a_log_cut_below_the_last_head_is_not_refilled_by_the_writer(string provider)
    {
        using PortalFactory portal = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        AuditLog audit = portal.Services.GetRequiredService<AuditLog>();
        AuditAnchor anchor = await StartedAnchorAsync(portal, ct);
        await AnalysesAsync(audit, 6, ct);
        SignedTreeHead head = (await anchor.PublishAsync(ct))!;

        // A restart: a writer that remembers nothing, and its publisher's start pass over the same files.
        IAuditStore store = portal.Services.GetRequiredService<IAuditStore>();
        var restarted = new AuditLog(store, TimeProvider.System);
        using var started = new AuditAnchor(anchor.Options, store, restarted, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<AuditAnchor>.Instance);
        Assert.Null(await started.PublishAsync(ct));
        Assert.Null(started.Refusal);

        // The last three entries are kept aside and deleted, for the writer to refill the log up to the head's size.
        await using (AsyncServiceScope scope = portal.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<PortalDbContext>().AuditRecords.Where(r => r.Sequence > head.TreeSize - 3).ExecuteDeleteAsync(ct);
        }

        await Assert.ThrowsAsync<ServiceUnavailableException>(() => restarted.RecordAsync("doctor@medcrypt.local", "original.view", "study/1", AuditOutcome.Succeeded, "", ct));
        Assert.Contains("below its last signed head", restarted.Rewritten);
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_log_cut_back_to_the_last_heads_size_stops_the_writer_at_the_next_pass(string provider)
    {
        using PortalFactory portal = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        AuditLog audit = portal.Services.GetRequiredService<AuditLog>();
        AuditAnchor anchor = await StartedAnchorAsync(portal, ct);
        await AnalysesAsync(audit, 3, ct);
        SignedTreeHead head = (await anchor.PublishAsync(ct))!;
        await audit.RecordAsync("doctor@medcrypt.local", "original.view", "study/1", AuditOutcome.Succeeded, "", ct);
        await audit.RecordAsync("doctor@medcrypt.local", "original.view", "study/1", AuditOutcome.Succeeded, "", ct);

        // No recomputation needed, and no head to compare with: only the writer's memory sees it.
        await using (AsyncServiceScope scope = portal.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<PortalDbContext>().AuditRecords.Where(r => r.Sequence > head.TreeSize).ExecuteDeleteAsync(ct);
        }

        Assert.Null(await anchor.PublishAsync(ct));
        Assert.Contains("is gone", anchor.Refusal);
        Assert.NotNull(audit.Rewritten);
        await Assert.ThrowsAsync<ServiceUnavailableException>(() => audit.RecordAsync("doctor@medcrypt.local", "original.view", "study/1", AuditOutcome.Succeeded, "", ct));
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task An_emptied_heads_file_is_refused_by_the_running_portal_the_next_one_and_the_offline_command(string provider)
    {
        using PortalFactory portal = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        AuditLog audit = portal.Services.GetRequiredService<AuditLog>();
        AuditAnchor anchor = await StartedAnchorAsync(portal, ct);
        await AnalysesAsync(audit, 4, ct);
        Assert.NotNull(await anchor.PublishAsync(ct));

        // Truncated to nothing, not deleted: a publisher that read "no heads yet" would sign whatever the log now holds.
        await File.WriteAllTextAsync(anchor.Options.HeadsFile!, "", ct);
        await AnalysesAsync(audit, 2, ct);
        Assert.Null(await anchor.PublishAsync(ct));
        Assert.Contains("is empty", anchor.Refusal);
        Assert.Equal("", await File.ReadAllTextAsync(anchor.Options.HeadsFile!, ct));

        // A new process (its key file is old, its heads file empty) refuses too, and so do both verifications.
        using var next = new AuditAnchor(anchor.Options, portal.Services.GetRequiredService<IAuditStore>(), new AuditLog(portal.Services.GetRequiredService<IAuditStore>(), TimeProvider.System),
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<AuditAnchor>.Instance);
        Assert.Null(await next.PublishAsync(ct));
        Assert.Contains("is empty", next.Refusal);
        AuditVerification online = await next.VerifyAsync(ct);
        Assert.False(online.Valid);
        Assert.Contains("emptied", online.Reason);
        Assert.Equal(1, await OfflineAsync(portal));
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_deleted_signing_key_is_not_replaced_by_a_new_one(string provider)
    {
        using PortalFactory portal = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        AuditLog audit = portal.Services.GetRequiredService<AuditLog>();
        AuditAnchor anchor = await StartedAnchorAsync(portal, ct);
        await AnalysesAsync(audit, 3, ct);
        Assert.NotNull(await anchor.PublishAsync(ct));
        string publicKey = await File.ReadAllTextAsync(anchor.Options.PublicKeyFile!, ct);
        string heads = await File.ReadAllTextAsync(anchor.Options.HeadsFile!, ct);

        // The key goes (a rewriter who wants to sign the rewritten log afresh, or a restore that forgot it).
        File.Delete(anchor.Options.SigningKeyFile!);
        using var next = new AuditAnchor(anchor.Options, portal.Services.GetRequiredService<IAuditStore>(), new AuditLog(portal.Services.GetRequiredService<IAuditStore>(), TimeProvider.System),
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<AuditAnchor>.Instance);
        Assert.Null(await next.PublishAsync(ct));
        Assert.Contains("is missing", next.Refusal);
        AuditVerification online = await next.VerifyAsync(ct);
        Assert.False(online.Valid);
        Assert.Contains("cannot verify", online.Reason);
        Assert.False(File.Exists(anchor.Options.SigningKeyFile));
        Assert.Equal(publicKey, await File.ReadAllTextAsync(anchor.Options.PublicKeyFile!, ct));
        Assert.Equal(heads, await File.ReadAllTextAsync(anchor.Options.HeadsFile!, ct));
    }

    /// <summary>A log of <paramref name="count"/> analyses by different people, to publish a head over and then rewrite.</summary>
    /// <summary>
    /// The portal's anchor once its publisher's start pass is out (a new key's first head): since .NET 10 a background
    /// service's first pass may run at any moment after the host started, and one landing after a test's rewrite
    /// would refuse, and stop the writer, before the test looks.
    /// </summary>
    private static async Task<AuditAnchor> StartedAnchorAsync(PortalFactory portal, CancellationToken ct)
    {
        AuditAnchor anchor = portal.Services.GetRequiredService<AuditAnchor>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (!File.Exists(anchor.Options.HeadsFile) || new FileInfo(anchor.Options.HeadsFile).Length == 0)
        {
            await Task.Delay(20, timeout.Token);
        }

        return anchor;
    }

    /// <summary>
    /// A writer with DDL rights (PostgreSQL) puts a view in the log table's place whose every row passes through
    /// <paramref name="gate"/>, PL/pgSQL statements that see the row's <c>seq</c>.
    /// </summary>
    private static async Task GateTheLogAsync(PortalFactory portal, string gate, CancellationToken ct)
    {
        string sql = "CREATE FUNCTION audit_gate(seq bigint) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$ BEGIN " + gate + """
             RETURN true; END $$;
            ALTER TABLE "AuditEvents" RENAME TO "AuditEventsStore";
            CREATE VIEW "AuditEvents" AS SELECT * FROM "AuditEventsStore" WHERE audit_gate("Sequence");
            """;
        await using AsyncServiceScope scope = portal.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Database.ExecuteSqlRawAsync(sql, ct);
    }

    private static async Task AnalysesAsync(AuditLog audit, int count, CancellationToken ct)
    {
        for (int i = 0; i < count; i++)
        {
            await audit.RecordAsync($"user{i}@medcrypt.local", "study.analysed", $"study/{i}", AuditOutcome.Succeeded, $"P(tumor) 0.{i}", ct);
        }
    }

    /// <summary>An entry written straight to the database, as the rewriter would (the portal's writer refuses once it saw the rewrite).</summary>
    private static async Task AppendBehindTheWriterAsync(PortalFactory portal, CancellationToken ct)
    {
        IAuditStore store = portal.Services.GetRequiredService<IAuditStore>();
        await store.AppendAsync(AuditChain.Append(await store.LastAsync(ct), DateTimeOffset.UtcNow, "mallory@medcrypt.local", "study.analysed", "study/99", AuditOutcome.Succeeded, ""), ct);
    }

    /// <summary>The command's entry point in-process, configured through the environment as an operator would.</summary>
    private static async Task<int> OfflineAsync(PortalFactory portal)
    {
        using (Environment(portal))
        {
            return await AuditCommand.RunAsync(["verify"], new StringWriter());
        }
    }

    private static async Task<(int Exit, string Line)> ProcessAsync(PortalFactory portal, CancellationToken ct)
    {
        string dll = Path.Combine(MedCrypt.Testing.RepositoryRoot.Path, "Portal", "bin", "Debug", "net10.0", "MedCrypt.Portal.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { dll, "audit", "verify" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["Database__Provider"] = portal.Provider;
        start.Environment["Database__ConnectionString"] = portal.ConnectionString;
        start.Environment["KeyEncryption__KeyFile"] = portal.KeyFile;
        using Process process = Process.Start(start)!;
        string output = await process.StandardOutput.ReadToEndAsync(ct);
        string error = await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, output.Trim() + error);
    }

    private static async Task RewriteAsync(PortalFactory portal, string rewrite, CancellationToken ct)
    {
        if (rewrite == "truncate")
        {
            // The newest entries, below the last head: nothing to recompute.
            await using AsyncServiceScope scope = portal.Services.CreateAsyncScope();
            PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            long keep = await db.AuditRecords.CountAsync(ct) - 3;
            await db.AuditRecords.Where(r => r.Sequence > keep).ExecuteDeleteAsync(ct);
            return;
        }

        await AuditTrail.RewriteAsync(portal, log => rewrite switch
        {
            "delete" => [.. log.Where(e => e.Sequence != 4)],
            "edit" => [.. log.Select(e => e.Sequence == 4 ? e with { Detail = "P(tumor) 0.0" } : e)],
            "reorder" => [.. log.Select(e => e.Sequence == 4 ? log[4] : e.Sequence == 5 ? log[3] : e)],
            _ => [.. log.Select(e => e with { Actor = "mallory@medcrypt.local" })],
        }, ct);
    }

    private static EnvironmentScope Environment(PortalFactory portal) => new(new()
    {
        ["Database__Provider"] = portal.Provider,
        ["Database__ConnectionString"] = portal.ConnectionString,
        ["KeyEncryption__KeyFile"] = portal.KeyFile,
    });

    /// <summary>Environment variables set for the command's configuration and restored afterwards.</summary>
    private sealed class EnvironmentScope : IDisposable
    {
        private readonly Dictionary<string, string?> _saved = [];

        public EnvironmentScope(Dictionary<string, string> values)
        {
            foreach ((string name, string value) in values)
            {
                _saved[name] = System.Environment.GetEnvironmentVariable(name);
                System.Environment.SetEnvironmentVariable(name, value);
            }
        }

        public void Dispose()
        {
            foreach ((string name, string? value) in _saved)
            {
                System.Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
