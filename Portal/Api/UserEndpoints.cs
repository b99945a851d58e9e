using System.Security.Claims;
using MedCrypt.Domain.Accounts;
using MedCrypt.Portal.Authorization;

namespace MedCrypt.Portal.Api;

/// <summary>
/// /api/v1/admin/users: accounts and the approval of privileged roles, through the same use cases and rules as the
/// admin page (nobody changes their own roles; Doctor and Admin need a second administrator or break-glass).
/// </summary>
internal static class UserEndpoints
{
    public sealed record RolesRequest(string[] Roles);

    /// <summary>Nullable, so a body without a field is a 400 that names it rather than a null reaching Identity.</summary>
    public sealed record CreateUserRequest(string? Email, string? Password, string[]? Roles);

    public sealed record BreakGlassRequest(string Reason);

    public static void MapUserEndpoints(this RouteGroupBuilder secured)
    {
        RouteGroupBuilder users = secured.MapGroup("/admin/users").RequireAuthorization(Policies.AdministerUsers);
        users.MapGet("", (ClaimsPrincipal user, UserAdministration accounts, CancellationToken ct) => accounts.ListAsync(user.ToActor(), ct));
        users.MapGet("/{userId}", (string userId, ClaimsPrincipal user, UserAdministration accounts, CancellationToken ct) => accounts.FindAsync(user.ToActor(), userId, ct));
        users.MapPost("", async (CreateUserRequest request, ClaimsPrincipal user, UserAdministration accounts, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(request.Email) || string.IsNullOrEmpty(request.Password))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]>
                {
                    [string.IsNullOrWhiteSpace(request.Email) ? "email" : "password"] = ["Send {\"email\", \"password\", \"roles\"}: the email and an initial password are required."],
                });
            }

            AccountCreation created = await accounts.CreateAsync(user.ToActor(), request.Email, request.Password, request.Roles ?? [], ct);
            return Results.Created($"/api/v1/admin/users/{created.User.Id}", created);
        });
        users.MapPut("/{userId}/roles", async (string userId, RolesRequest request, ClaimsPrincipal user, UserAdministration accounts, CancellationToken ct) =>
            new { pending = await accounts.SetRolesAsync(user.ToActor(), userId, request.Roles ?? [], ct) });
        users.MapPost("/{userId}/lock", async (string userId, ClaimsPrincipal user, UserAdministration accounts, CancellationToken ct) =>
        {
            await accounts.SetLockedAsync(user.ToActor(), userId, locked: true, ct); // its sessions and tokens end within the revocation interval
            return TypedResults.NoContent();
        });
        users.MapPost("/{userId}/unlock", async (string userId, ClaimsPrincipal user, UserAdministration accounts, CancellationToken ct) =>
        {
            await accounts.SetLockedAsync(user.ToActor(), userId, locked: false, ct);
            return TypedResults.NoContent();
        });
        users.MapPost("/{userId}/two-factor/reset", async (string userId, ClaimsPrincipal user, UserAdministration accounts, CancellationToken ct) =>
        {
            await accounts.ResetTwoFactorAsync(user.ToActor(), userId, ct); // a lost phone: they enrol again at their next sign-in
            return TypedResults.NoContent();
        });
        users.MapPost("/{userId}/break-glass", (string userId, BreakGlassRequest request, ClaimsPrincipal user, BreakGlass breakGlass, CancellationToken ct) =>
            breakGlass.GrantAsync(user.ToActor(), userId, request.Reason ?? "", ct));
        users.MapGet("/role-changes", (ClaimsPrincipal user, RoleApprovals approvals, CancellationToken ct) => approvals.ListAsync(user.ToActor(), ct));
        users.MapPost("/role-changes/{changeId:guid}/confirm", async (Guid changeId, ClaimsPrincipal user, RoleApprovals approvals, CancellationToken ct) =>
        {
            await approvals.ConfirmAsync(user.ToActor(), changeId, ct);
            return TypedResults.NoContent();
        });
        users.MapPost("/role-changes/{changeId:guid}/reject", async (Guid changeId, ClaimsPrincipal user, RoleApprovals approvals, CancellationToken ct) =>
        {
            await approvals.RejectAsync(user.ToActor(), changeId, ct);
            return TypedResults.NoContent();
        });
    }
}
