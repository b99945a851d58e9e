using System.Security.Claims;
using MedCrypt.Domain.Keys;
using MedCrypt.Portal.Authorization;

namespace MedCrypt.Portal.Api;

/// <summary>/api/v1/admin: key management for administrators, through the same use case as the admin pages.</summary>
internal static class AdminEndpoints
{
    public static void MapAdminEndpoints(this RouteGroupBuilder secured)
    {
        RouteGroupBuilder admin = secured.MapGroup("/admin")
            .RequireAuthorization(Policies.AdministerKeys);
        admin.MapGet("/keys", (ClaimsPrincipal user, KeyAdministration keys, CancellationToken cancellationToken) => keys.ListAsync(user.ToActor(), cancellationToken));
        admin.MapPost("/keys/schemes/{schemeId}", CreateSchemeKeyAsync);
        admin.MapPost("/keys/master/rotate", (ClaimsPrincipal user, KeyAdministration keys, CancellationToken cancellationToken) =>
            keys.RotateMasterKeyAsync(user.ToActor(), cancellationToken: cancellationToken));
        admin.MapPost("/keys/master/rewrap", (ClaimsPrincipal user, KeyAdministration keys, CancellationToken cancellationToken) =>
            keys.RewrapAsync(user.ToActor(), cancellationToken: cancellationToken));
    }

    private static async Task<IResult> CreateSchemeKeyAsync(string schemeId, ClaimsPrincipal user, KeyAdministration keys, CancellationToken cancellationToken)
    {
        string id = await keys.CreateSchemeKeyAsync(user.ToActor(), schemeId, cancellationToken); // refusals reach the problem handler
        return TypedResults.Created("/api/v1/admin/keys", new { id, purpose = schemeId });
    }
}
