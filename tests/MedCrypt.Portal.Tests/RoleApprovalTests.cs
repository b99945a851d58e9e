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
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>Separation of duties on the real databases: privileged roles need a second administrator; break-glass is immediate, loud and temporary.</summary>
public sealed class RoleApprovalTests
{
    private static readonly Actor AdminA = TestStudies.Admin.ToActor();
    private static readonly Actor AdminB = TestStudies.User("admin-b@medcrypt.local", Roles.Admin).ToActor();

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Doctor_is_granted_only_when_a_second_administrator_confirms(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        UserAdministration accounts = factory.Services.GetRequiredService<UserAdministration>();
        RoleApprovals approvals = factory.Services.GetRequiredService<RoleApprovals>();
        await TestAccounts.SecondAdministratorAsync(factory, "admin-b@medcrypt.local");
        string staffId = await IdAsync(factory, "staff@medcrypt.local");

        RoleChange asked = Assert.Single(await accounts.SetRolesAsync(AdminA, staffId, [Roles.Staff, Roles.Doctor], ct));
        Assert.False(await InRoleAsync(factory, staffId, Roles.Doctor));
        Assert.Equal(asked.Id, Assert.Single(await approvals.ListAsync(AdminB, ct)).Id);

        await Assert.ThrowsAsync<AccessDeniedException>(() => approvals.ConfirmAsync(AdminA, asked.Id, ct)); // the requester
        await Assert.ThrowsAsync<AccessDeniedException>(() => approvals.ConfirmAsync(TestStudies.User("staff@medcrypt.local", Roles.Admin).ToActor(), asked.Id, ct)); // the account itself
        Assert.False(await InRoleAsync(factory, staffId, Roles.Doctor));

        await approvals.ConfirmAsync(AdminB, asked.Id, ct);
        Assert.True(await InRoleAsync(factory, staffId, Roles.Doctor));
        await Assert.ThrowsAsync<ConflictException>(() => approvals.ConfirmAsync(AdminB, asked.Id, ct)); // decided once
        Assert.Empty(await approvals.ListAsync(AdminB, ct));

        // Creating an account with Admin: the account exists with its ordinary roles, Admin waits.
        AccountCreation created = await accounts.CreateAsync(AdminA, "new-admin@medcrypt.local", "Good-Password-2026!", [Roles.Staff, Roles.Admin], ct);
        Assert.Equal([Roles.Staff], created.User.Roles);
        Assert.Equal(Roles.Admin, Assert.Single(created.Pending).Role);
        Assert.False(await InRoleAsync(factory, created.User.Id, Roles.Admin));

        string[] trail = await AuditTrail.ReadAsync(factory, ct);
        Assert.Contains("admin@medcrypt.local role.request Succeeded", trail);
        Assert.Contains("admin@medcrypt.local role.confirm Denied", trail);
        Assert.Contains("staff@medcrypt.local role.confirm Denied", trail);
        Assert.Contains("admin-b@medcrypt.local role.confirm Succeeded", trail);
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_rejected_an_expired_or_orphaned_request_grants_nothing(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        UserAdministration accounts = factory.Services.GetRequiredService<UserAdministration>();
        RoleApprovals approvals = factory.Services.GetRequiredService<RoleApprovals>();
        await TestAccounts.SecondAdministratorAsync(factory, "admin-b@medcrypt.local");
        string auditorId = await IdAsync(factory, "auditor@medcrypt.local");

        RoleChange rejected = Assert.Single(await accounts.SetRolesAsync(AdminA, auditorId, [Roles.Auditor, Roles.Doctor], ct));
        await approvals.RejectAsync(AdminB, rejected.Id, ct);
        await Assert.ThrowsAsync<ConflictException>(() => approvals.ConfirmAsync(AdminB, rejected.Id, ct));

        RoleChange stale = Assert.Single(await accounts.SetRolesAsync(AdminA, auditorId, [Roles.Auditor, Roles.Doctor], ct));
        await ExpireAsync(factory, stale.Id);
        ConflictException expired = await Assert.ThrowsAsync<ConflictException>(() => approvals.ConfirmAsync(AdminB, stale.Id, ct));
        Assert.Contains("expired", expired.Message);
        Assert.False(await InRoleAsync(factory, auditorId, Roles.Doctor));

        AccountSummary leaving = (await accounts.CreateAsync(AdminA, "leaving@medcrypt.local", "Good-Password-2026!", [Roles.Staff, Roles.Doctor], ct)).User;
        RoleChange orphan = Assert.Single(await approvals.ListAsync(AdminB, ct));
        await using (AsyncServiceScope scope = factory.Services.CreateAsyncScope())
        {
            UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            Assert.True((await users.DeleteAsync((await users.FindByIdAsync(leaving.Id))!)).Succeeded);
        }

        ConflictException gone = await Assert.ThrowsAsync<ConflictException>(() => approvals.ConfirmAsync(AdminB, orphan.Id, ct));
        Assert.Contains("deleted", gone.Message);

        string[] trail = await AuditTrail.ReadAsync(factory, ct);
        Assert.Contains("admin-b@medcrypt.local role.reject Succeeded", trail);
        Assert.Contains("system (role expiry) role.request.expired Succeeded", trail);
        Assert.Contains("admin-b@medcrypt.local role.confirm Failed", trail);
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Break_glass_grants_doctor_at_once_loudly_and_runs_out(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        RoleApprovals approvals = factory.Services.GetRequiredService<RoleApprovals>();
        string staffId = await IdAsync(factory, "staff@medcrypt.local");
        string adminId = await IdAsync(factory, "admin@medcrypt.local");

        await Assert.ThrowsAsync<AccessDeniedException>(() => factory.Services.GetRequiredService<BreakGlass>().GrantAsync(AdminA, adminId, "I need to see the original now", ct));

        // An account the administrator made (and whose first password they set) is not "someone else".
        UserAdministration accounts = factory.Services.GetRequiredService<UserAdministration>();
        string puppet = (await accounts.CreateAsync(AdminA, "sock@medcrypt.local", "Sock-Puppet-Password-1!", [Roles.Staff], ct)).User.Id;
        await TestAccounts.EnrolAsync(factory.Services, "sock@medcrypt.local", PortalFactory.DemoAuthenticatorKey);
        Assert.Contains("You made this account",
            (await Assert.ThrowsAsync<AccessDeniedException>(() => factory.Services.GetRequiredService<BreakGlass>().GrantAsync(AdminA, puppet, "Stroke patient, neurologist unreachable", ct))).Message);
        await Assert.ThrowsAsync<RejectedInputException>(() => factory.Services.GetRequiredService<BreakGlass>().GrantAsync(AdminA, staffId, "urgent", ct));
        // Without an authenticator the role would give them nothing (a doctor may do nothing on a password alone).
        Assert.Contains("has not enrolled an authenticator",
            (await Assert.ThrowsAsync<ConflictException>(() => factory.Services.GetRequiredService<BreakGlass>().GrantAsync(AdminA, staffId, "Stroke patient, neurologist unreachable", ct))).Message);
        Assert.False(await InRoleAsync(factory, staffId, Roles.Doctor));
        await TestAccounts.EnrolAsync(factory.Services, "staff@medcrypt.local", PortalFactory.DemoAuthenticatorKey);

        RoleChange glass = await factory.Services.GetRequiredService<BreakGlass>().GrantAsync(AdminA, staffId, "Stroke patient, neurologist unreachable", ct);
        Assert.True(await InRoleAsync(factory, staffId, Roles.Doctor)); // at once, with one administrator
        Assert.True(Assert.Single(await approvals.ListAsync(AdminA, ct)).IsBreakGlass);
        await using (AsyncServiceScope scope = factory.Services.CreateAsyncScope())
        {
            AuditRecord loud = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().AuditRecords.SingleAsync(r => r.Action == BreakGlass.Action && r.Outcome == Domain.Auditing.AuditOutcome.Succeeded, ct);
            Assert.Equal("admin@medcrypt.local", loud.Actor);
            Assert.Contains("Stroke patient, neurologist unreachable", loud.Detail);
            Assert.Contains("BREAK-GLASS", loud.Detail);
        }

        HttpClient admin = factory.CreateClient(new() { AllowAutoRedirect = false });
        await FormSignIn.SignInAsync(admin, "admin@medcrypt.local", PortalFactory.DemoPassword);
        string page = await admin.GetStringAsync("/admin/users", ct);
        Assert.Contains("data-testid=\"break-glass-banner\"", page);
        Assert.Contains("data-testid=\"single-admin\"", page); // one administrator: nobody can confirm
        Assert.Contains("waiting for another administrator", page);

        await ExpireAsync(factory, glass.Id);
        Assert.Equal(1, await approvals.SweepAsync(ct));
        Assert.False(await InRoleAsync(factory, staffId, Roles.Doctor)); // withdrawn: nobody confirmed it
        Assert.Contains("system (role expiry) role.break-glass.expired Succeeded", await AuditTrail.ReadAsync(factory, ct));
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Only_administrators_ask_confirm_reject_or_break_glass(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        RoleApprovals approvals = factory.Services.GetRequiredService<RoleApprovals>();
        RoleChange asked = Assert.Single(await factory.Services.GetRequiredService<UserAdministration>()
            .SetRolesAsync(AdminA, await IdAsync(factory, "staff@medcrypt.local"), [Roles.Staff, Roles.Doctor], ct));
        Actor doctor = TestStudies.Doctor.ToActor();

        await Assert.ThrowsAsync<AccessDeniedException>(() => approvals.ListAsync(doctor, ct));
        await Assert.ThrowsAsync<AccessDeniedException>(() => approvals.ConfirmAsync(doctor, asked.Id, ct));
        await Assert.ThrowsAsync<AccessDeniedException>(() => approvals.RejectAsync(doctor, asked.Id, ct));
        await Assert.ThrowsAsync<AccessDeniedException>(() => factory.Services.GetRequiredService<BreakGlass>().GrantAsync(doctor, asked.TargetUserId, "Stroke patient, neurologist unreachable", ct));

        string[] trail = await AuditTrail.ReadAsync(factory, ct);
        Assert.Contains("doctor@medcrypt.local role.confirm Denied", trail);
        Assert.Contains("doctor@medcrypt.local role.reject Denied", trail);
        Assert.Contains("doctor@medcrypt.local role.break-glass Denied", trail);
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task The_api_follows_the_same_rules(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        await TestAccounts.SecondAdministratorAsync(factory, "admin-b@medcrypt.local");
        HttpClient a = await Api.SignedInAsync(factory, "admin@medcrypt.local");
        HttpClient b = await Api.SignedInAsync(factory, "admin-b@medcrypt.local");
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        string adminId = await IdAsync(factory, "admin@medcrypt.local"), staffId = await IdAsync(factory, "staff@medcrypt.local");

        await Api.AssertProblemAsync(await a.PutAsJsonAsync($"/api/v1/admin/users/{adminId}/roles", new { roles = new[] { Roles.Admin, Roles.Doctor } }, ct), HttpStatusCode.Forbidden);
        HttpResponseMessage asked = await a.PutAsJsonAsync($"/api/v1/admin/users/{staffId}/roles", new { roles = new[] { Roles.Staff, Roles.Doctor } }, ct);
        asked.EnsureSuccessStatusCode();
        string changeId = (await asked.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("pending")[0].GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/api/v1/admin/users/role-changes", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostAsync($"/api/v1/admin/users/role-changes/{changeId}/confirm", null, ct)).StatusCode);
        await Api.AssertProblemAsync(await a.PostAsync($"/api/v1/admin/users/role-changes/{changeId}/confirm", null, ct), HttpStatusCode.Forbidden);
        Assert.False(await InRoleAsync(factory, staffId, Roles.Doctor));

        Assert.Equal(HttpStatusCode.NoContent, (await b.PostAsync($"/api/v1/admin/users/role-changes/{changeId}/confirm", null, ct)).StatusCode);
        Assert.True(await InRoleAsync(factory, staffId, Roles.Doctor));
        await Api.AssertProblemAsync(await b.PostAsync($"/api/v1/admin/users/role-changes/{changeId}/confirm", null, ct), HttpStatusCode.Conflict);
        await Api.AssertProblemAsync(await a.PostAsJsonAsync($"/api/v1/admin/users/{await IdAsync(factory, "auditor@medcrypt.local")}/break-glass", new { reason = "" }, ct), HttpStatusCode.BadRequest);
    }

    /// <summary>A second administrator, enrolled with the demo authenticator key (an administrator without one may do nothing).</summary>
    private static Task<string> IdAsync(PortalFactory factory, string email) => TestAccounts.IdAsync(factory.Services, email);

    private static async Task<bool> InRoleAsync(PortalFactory factory, string userId, string role)
    {
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        return await users.IsInRoleAsync((await users.FindByIdAsync(userId))!, role);
    }

    /// <summary>Moves the change's expiry into the past, as time would.</summary>
    private static async Task ExpireAsync(PortalFactory factory, Guid changeId)
    {
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        PendingRoleChangeRecord change = await db.RoleChanges.SingleAsync(c => c.Id == changeId);
        change.ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1);
        await db.SaveChangesAsync();
    }
}
