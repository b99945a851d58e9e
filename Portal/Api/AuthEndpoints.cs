using System.Security.Claims;
using MedCrypt.Domain.Auditing;
using MedCrypt.Portal.Account;
using MedCrypt.Portal.Authorization;
using MedCrypt.Portal.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace MedCrypt.Portal.Api;

/// <summary>
/// /api/v1/auth: sign-in (password, and for an account with an authenticator its code), one-use refresh tokens,
/// sign-out of this session or of every session. Tokens answer <c>{ tokenType, accessToken, expiresIn, refreshToken }</c>;
/// an access token lives <see cref="RevocationOptions.AccessTokenMinutes"/> and carries its session, which
/// <see cref="AccountRevalidation"/> checks. A Doctor or Admin without an authenticator gets no token (403).
/// </summary>
internal static class AuthEndpoints
{
    public static void MapAuthApi(this RouteGroupBuilder api)
    {
        api.MapPost("/auth/login", LoginAsync).AllowAnonymous().RequireRateLimiting(RateLimits.SignInPolicy);
        api.MapPost("/auth/refresh", RefreshAsync).AllowAnonymous().RequireRateLimiting(RateLimits.SignInPolicy);
        RouteGroupBuilder signedIn = api.MapGroup("/auth").RequireAuthorization(new Microsoft.AspNetCore.Authorization.AuthorizeAttribute(Policies.SignedIn)
        {
            AuthenticationSchemes = IdentityConstants.BearerScheme,
        });
        signedIn.MapPost("/logout", LogoutAsync);
        signedIn.MapPost("/sign-out-everywhere", SignOutEverywhereAsync);
    }

    private static async Task<IResult> LoginAsync(LoginRequest request, AccountSignIn accounts, SignInManager<IdentityUser> signIn, ApiSessions sessions, CancellationToken cancellationToken)
    {
        Dictionary<string, string[]> errors = request.Validate();
        if (errors.Count > 0 || request is not { Email: { } email, Password: { } password })
        {
            return TypedResults.ValidationProblem(errors, "Send {\"email\", \"password\"} as JSON.");
        }

        SignInStep step = await accounts.ApiAsync(email, password, request.TwoFactorCode, request.TwoFactorRecoveryCode, async (user, secondFactor) =>
        {
            (string session, string refresh) = await sessions.OpenAsync(user.Id, cancellationToken);
            await IssueAsync(signIn, user, secondFactor, session, refresh); // the bearer handler writes the tokens
        });
        switch (step.Outcome)
        {
            case SignInStep.Kind.CodeNeeded:
                return TypedResults.Problem(step.Message, statusCode: StatusCodes.Status401Unauthorized, title: "Two-factor code required", extensions: TwoFactorRequired);
            case SignInStep.Kind.NotEnrolled:
                return TypedResults.Problem(step.Message, statusCode: StatusCodes.Status403Forbidden, title: "Two-factor sign-in required", extensions: TwoFactorRequired);
            case not SignInStep.Kind.Done:
                return Unauthorized(step.Message);
        }

        return TypedResults.Empty; // the tokens are written
    }

    private static readonly Dictionary<string, object?> TwoFactorRequired = new() { ["twoFactorRequired"] = true };

    private static async Task<IResult> RefreshAsync(RefreshRequest request, SignInManager<IdentityUser> signIn, ApiSessions sessions, AuditLog audit,
        IOptionsMonitor<BearerTokenOptions> bearer, TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.RefreshToken))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["refreshToken"] = ["The refresh token is required."] }, "Send {\"refreshToken\"} as JSON.");
        }

        AuthenticationTicket? ticket = bearer.Get(IdentityConstants.BearerScheme).RefreshTokenProtector.Unprotect(request.RefreshToken);
        if (ticket?.Properties.ExpiresUtc is not { } expires || time.GetUtcNow() >= expires)
        {
            await audit.RecordAsync(ticket?.Principal.Identity?.Name ?? "anonymous", "token.refresh", AccountSignIn.Api, AuditOutcome.Denied,
                ticket is null ? "not a refresh token of this installation" : "expired", cancellationToken);
            return Unauthorized("The refresh token is not valid or has expired: sign in again.");
        }

        string name = ticket.Principal.Identity?.Name ?? "unknown";
        IdentityUser? user = await signIn.ValidateSecurityStampAsync(ticket.Principal);
        if (user is null || await signIn.UserManager.IsLockedOutAsync(user))
        {
            await audit.RecordAsync(name, "token.refresh", AccountSignIn.Api, AuditOutcome.Denied, "account locked or changed since sign-in");
            return Unauthorized("The account was locked or changed since this sign-in: sign in again.");
        }

        string session = ticket.Principal.FindFirstValue(ApiSessions.SessionClaim) ?? "";
        string? next = await sessions.RotateAsync(user.Id, session, ticket.Principal.FindFirstValue(ApiSessions.RefreshClaim) ?? "", cancellationToken);
        if (next is null)
        {
            await audit.RecordAsync(name, "token.refresh", AccountSignIn.Api, AuditOutcome.Denied, "refresh token used twice or session closed: the session is closed");
            return Unauthorized("This refresh token was already used or its session was closed: sign in again.");
        }

        await IssueAsync(signIn, user, ticket.Principal.HasClaim(ActorClaims.AuthenticationMethod, ActorClaims.MultiFactor), session, next);
        await audit.RecordAsync(name, "token.refresh", AccountSignIn.Api, AuditOutcome.Succeeded);
        return TypedResults.Empty;
    }

    private static async Task<IResult> LogoutAsync(ClaimsPrincipal principal, UserManager<IdentityUser> users, ApiSessions sessions, AccountStanding standing, AuditLog audit, CancellationToken cancellationToken)
    {
        if (users.GetUserId(principal) is { } userId && principal.FindFirstValue(ApiSessions.SessionClaim) is { } session)
        {
            await sessions.CloseAsync(userId, session, cancellationToken);
            standing.Forget(userId);
        }

        await audit.RecordAsync(principal.ToActor().Name, "sign-out", AccountSignIn.Api, AuditOutcome.Succeeded);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> SignOutEverywhereAsync(ClaimsPrincipal principal, AccountSignOut signOut, CancellationToken cancellationToken)
    {
        await signOut.EverywhereAsync(principal, AccountSignIn.Api, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Writes the token pair through the bearer handler; <paramref name="secondFactor"/> survives every refresh.</summary>
    private static Task IssueAsync(SignInManager<IdentityUser> signIn, IdentityUser user, bool secondFactor, string session, string refresh)
    {
        List<Claim> claims = [new(ApiSessions.SessionClaim, session), new(ApiSessions.RefreshClaim, refresh)];
        if (secondFactor)
        {
            claims.Add(new Claim(ActorClaims.AuthenticationMethod, ActorClaims.MultiFactor));
        }

        signIn.AuthenticationScheme = IdentityConstants.BearerScheme;
        return signIn.SignInWithClaimsAsync(user, isPersistent: false, claims);
    }

    private static IResult Unauthorized(string message) => TypedResults.Problem(message, statusCode: StatusCodes.Status401Unauthorized);
}
