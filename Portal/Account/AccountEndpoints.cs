using MedCrypt.Domain.Auditing;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;

namespace MedCrypt.Portal.Account;

/// <summary>Account actions that are plain HTTP posts (the sign-in form itself is a page).</summary>
internal static class AccountEndpoints
{
    public static void MapAccountEndpoints(this WebApplication app) =>
        app.MapPost("/account/logout", async (SignInManager<IdentityUser> signIn, AuditLog audit, HttpContext context) =>
        {
            await audit.RecordAsync(context.User.Identity?.Name ?? "anonymous", "sign-out", "portal", AuditOutcome.Succeeded);
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/account/login");
        }).WithMetadata(new RequireAntiforgeryTokenAttribute()); // it reads no form, so it would not be checked otherwise
}
