using MedCrypt.Domain.Auditing;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;

namespace MedCrypt.Portal.Account;

/// <summary>Account actions that are plain HTTP posts (the sign-in form itself is a page).</summary>
internal static class AccountEndpoints
{
    public static void MapAccountEndpoints(this WebApplication app) =>
        app.MapPost("/account/logout", async (SignInManager<IdentityUser> signIn, IAntiforgery antiforgery, AuditLog audit, HttpContext context) =>
        {
            // Checked here: the antiforgery middleware checks only endpoints that read a form, and this one reads none,
            // so without it any site could sign a user out with a cross-site post.
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.Problem("The sign-out form's antiforgery token is missing or wrong: sign out from the portal's own page.", statusCode: StatusCodes.Status400BadRequest);
            }

            await audit.RecordAsync(context.User.Identity?.Name ?? "anonymous", "sign-out", AccountSignIn.Portal, AuditOutcome.Succeeded);
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/account/login");
        }).DisableAntiforgery();
}
