using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Accounts;
using MedCrypt.Domain.Failures;
using MedCrypt.Portal.Authorization;
using MedCrypt.Portal.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>Account administration on the real databases: the password policy, whole changes or none, no self-lockout, all audited.</summary>
public sealed class UserAdministrationTests
{
    private static readonly Actor Admin = TestStudies.User("admin@medcrypt.local", Roles.Admin).ToActor();

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Administrators_create_change_lock_and_unlock_accounts(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        UserAdministration accounts = factory.Services.GetRequiredService<UserAdministration>();

        RejectedInputException weak = await Assert.ThrowsAsync<RejectedInputException>(() => accounts.CreateAsync(Admin, "nurse@medcrypt.local", "short", [Roles.Staff], ct));
        Assert.Contains("12", weak.Message);
        await Assert.ThrowsAsync<RejectedInputException>(() => accounts.CreateAsync(Admin, "nurse@medcrypt.local", "Good-Password-2026!", ["Janitor"], ct));
        await Assert.ThrowsAsync<RejectedInputException>(() => accounts.CreateAsync(Admin, "staff@medcrypt.local", "Good-Password-2026!", [Roles.Staff], ct));
        Assert.DoesNotContain(await accounts.ListAsync(Admin, ct), u => u.Email == "nurse@medcrypt.local"); // nothing half-made

        AccountSummary nurse = (await accounts.CreateAsync(Admin, "nurse@medcrypt.local", "Good-Password-2026!", [Roles.Staff], ct)).User;
        HttpClient client = factory.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await FormSignIn.SignInAsync(client, "nurse@medcrypt.local", "Good-Password-2026!")).StatusCode);

        IReadOnlyList<RoleChange> pending = await accounts.SetRolesAsync(Admin, nurse.Id, [Roles.Staff, Roles.Auditor, Roles.Doctor], ct);
        Assert.Equal(Roles.Doctor, Assert.Single(pending).Role); // privileged: waits for a second administrator
        await accounts.SetLockedAsync(Admin, nurse.Id, locked: true, ct);
        AccountSummary listed = (await accounts.ListAsync(Admin, ct)).Single(u => u.Id == nurse.Id);
        Assert.Equal([Roles.Auditor, Roles.Staff], listed.Roles);
        Assert.True(listed.LockedOut(DateTimeOffset.UtcNow));
        HttpClient locked = factory.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Contains("locked", await (await FormSignIn.SignInAsync(locked, "nurse@medcrypt.local", "Good-Password-2026!")).Content.ReadAsStringAsync(ct));

        await accounts.SetLockedAsync(Admin, nurse.Id, locked: false, ct);
        Assert.False((await accounts.ListAsync(Admin, ct)).Single(u => u.Id == nurse.Id).LockedOut(DateTimeOffset.UtcNow));

        string[] trail = await AuditTrail.ReadAsync(factory, ct);
        Assert.Contains("admin@medcrypt.local user.create Failed", trail);
        Assert.Contains("admin@medcrypt.local user.create Succeeded", trail);
        Assert.Contains("admin@medcrypt.local user.roles Succeeded", trail);
        Assert.Contains("admin@medcrypt.local user.lock Succeeded", trail);
        Assert.Contains("admin@medcrypt.local user.unlock Succeeded", trail);
    }

    [Fact]
    public async Task An_account_made_over_the_api_is_where_its_location_points()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient admin = await Api.SignedInAsync(factory, "admin@medcrypt.local");
        HttpResponseMessage created = await admin.PostAsJsonAsync("/api/v1/admin/users/", new { email = "nurse@medcrypt.local", password = "Good-Password-2026!", roles = new[] { Roles.Staff } }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        JsonElement account = await admin.GetFromJsonAsync<JsonElement>(created.Headers.Location!, ct);
        Assert.Equal("nurse@medcrypt.local", account.GetProperty("email").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/admin/users/no-such-user", ct)).StatusCode);
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync(created.Headers.Location!, ct)).StatusCode);
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task An_account_change_whose_audit_entry_cannot_be_written_is_not_made(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        UserAdministration accounts = factory.Services.GetRequiredService<UserAdministration>();
        string staffId = await TestAccounts.IdAsync(factory.Services, "staff@medcrypt.local");
        await RefuseAuditEntriesAsync(factory, provider, "user.create", "user.lock");

        await Assert.ThrowsAnyAsync<DbUpdateException>(() => accounts.CreateAsync(Admin, "nurse@medcrypt.local", "Good-Password-2026!", [Roles.Staff], ct));
        await Assert.ThrowsAnyAsync<DbUpdateException>(() => accounts.SetLockedAsync(Admin, staffId, locked: true, ct));

        IReadOnlyList<AccountSummary> all = await accounts.ListAsync(Admin, ct); // other entries are still written
        Assert.DoesNotContain(all, u => u.Email == "nurse@medcrypt.local");
        Assert.False(all.Single(u => u.Id == staffId).LockedOut(DateTimeOffset.UtcNow));
        Assert.Null(await factory.Services.GetRequiredService<Domain.Auditing.AuditLog>().VerifyAsync(ct));
    }

    /// <summary>A trigger that makes the database refuse audit entries of these actions, as a full disk or a broken connection would at that moment.</summary>
    private static async Task RefuseAuditEntriesAsync(PortalFactory factory, string provider, params string[] actions)
    {
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        DatabaseFacade database = scope.ServiceProvider.GetRequiredService<PortalDbContext>().Database;
        string list = string.Join(", ", actions.Select(a => $"'{a}'"));
        string trigger = provider == "Postgres"
            ? $"""
                CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN IF NEW."Action" IN ({list}) THEN RAISE EXCEPTION 'audit refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
                CREATE TRIGGER refuse_audit BEFORE INSERT ON "AuditEvents" FOR EACH ROW EXECUTE FUNCTION refuse_audit();
                """
            : $"""CREATE TRIGGER refuse_audit BEFORE INSERT ON "AuditEvents" WHEN NEW."Action" IN ({list}) BEGIN SELECT RAISE(ABORT, 'audit refused'); END;""";
        await database.ExecuteSqlRawAsync(trigger); // the actions are this test's constants
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task No_one_locks_out_themselves_or_the_last_administrator(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        UserAdministration accounts = factory.Services.GetRequiredService<UserAdministration>();
        string adminId = (await accounts.ListAsync(Admin, ct)).Single(u => u.Email == "admin@medcrypt.local").Id;

        await Assert.ThrowsAsync<ConflictException>(() => accounts.SetLockedAsync(Admin, adminId, locked: true, ct));
        await Assert.ThrowsAsync<AccessDeniedException>(() => accounts.SetRolesAsync(Admin, adminId, [Roles.Staff], ct));
        AccountSummary second = await TestAccounts.SecondAdministratorAsync(factory, "second-admin@medcrypt.local");
        await Assert.ThrowsAsync<AccessDeniedException>(() => accounts.SetRolesAsync(TestStudies.User("second-admin@medcrypt.local", Roles.Admin).ToActor(), second.Id, [Roles.Staff], ct));
        await accounts.SetRolesAsync(Admin, second.Id, [Roles.Auditor], ct); // another administrator may
        await Assert.ThrowsAsync<AccessDeniedException>(() => accounts.ListAsync(TestStudies.User("doctor@medcrypt.local", Roles.Doctor).ToActor(), ct));
        await Assert.ThrowsAsync<NotFoundException>(() => accounts.SetLockedAsync(Admin, "no-such-user", locked: true, ct));

        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        Assert.True(await users.IsInRoleAsync((await users.FindByIdAsync(adminId))!, Roles.Admin));
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Users.CountAsync(u => u.LockoutEnd != null, ct));
        Assert.Contains("doctor@medcrypt.local users.list Denied", await AuditTrail.ReadAsync(factory, ct));
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_lost_authenticator_is_reset_through_the_api_and_its_codes_stop_opening_anything(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient admin = await Api.SignedInAsync(factory, "admin@medcrypt.local");
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        string doctorId = (await factory.Services.GetRequiredService<UserAdministration>().ListAsync(Admin, ct)).Single(u => u.Email == "doctor@medcrypt.local").Id;

        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostAsync($"/api/v1/admin/users/{doctorId}/two-factor/reset", null, ct)).StatusCode);
        await Api.AssertProblemAsync(await admin.PostAsync("/api/v1/admin/users/no-such-user/two-factor/reset", null, ct), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/v1/admin/users/{doctorId}/two-factor/reset", null, ct)).StatusCode);

        // The old phone's code no longer signs in: a doctor without an authenticator gets no token at all.
        HttpResponseMessage login = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/login",
            new { email = "doctor@medcrypt.local", password = PortalFactory.DemoPassword, twoFactorCode = Totp.Code(PortalFactory.DemoAuthenticatorKey, DateTimeOffset.UtcNow) }, ct);
        await Api.AssertProblemAsync(login, HttpStatusCode.Forbidden);
        Assert.True((await login.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("twoFactorRequired").GetBoolean());
        string[] trail = await AuditTrail.ReadAsync(factory, ct);
        Assert.Contains("admin@medcrypt.local user.two-factor.reset Succeeded", trail);
        Assert.Contains("doctor@medcrypt.local sign-in Denied", trail);
    }
}
