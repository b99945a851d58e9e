using MedCrypt.Domain.Auditing;
using MedCrypt.Portal.Authorization;
using MedCrypt.Portal.Extensions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace MedCrypt.Portal.Account;

/// <summary>
/// Every request's cookie or bearer token is checked against the account (<see cref="AccountStanding"/>, cached for
/// at most <see cref="RevocationOptions.CheckInterval"/>). A revoked token answers 401 problem+json; a revoked cookie
/// is signed out and the request goes on anonymous (a page then asks to sign in). A revoked credential is one audit
/// entry per interval however often it is replayed.
/// </summary>
internal sealed class AccountRevalidation(RequestDelegate next, AccountStanding standing, AuditLog audit, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated != true || await standing.StillValidAsync(context.User, useCache: true, context.RequestAborted))
        {
            await next(context);
            return;
        }

        bool bearer = IdentityExtensions.CarriesBearerToken(context.Request);
        if (standing.FirstRefusalInInterval(context.User))
        {
            await audit.RecordAsync(context.User.ToActor().Name, "session.revoked", bearer ? AccountSignIn.Api : AccountSignIn.Portal, AuditOutcome.Denied,
                "the account was locked, changed or signed out everywhere since this " + (bearer ? "token" : "cookie") + " was issued (further uses within the interval are not recorded)", context.RequestAborted);
        }

        if (bearer)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status401Unauthorized,
                    Title = "Token revoked",
                    Detail = "This token no longer holds: the account was locked or changed, or signed out everywhere. Sign in again.",
                },
            });
            return;
        }

        await context.SignOutAsync(IdentityConstants.ApplicationScheme);
        context.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
        await next(context);
    }
}
