using MedCrypt.Domain.Access;
using MedCrypt.Portal.Account;
using MedCrypt.Portal.Authorization;
using MedCrypt.Portal.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;

namespace MedCrypt.Portal.Extensions;

/// <summary>
/// Sign-in: ASP.NET Core Identity on the portal's database, cookies for pages and short-lived bearer tokens for the
/// API (one default scheme that picks by the Authorization header), the permission policies, and revocation: every
/// request, circuit and token checked against the account (<see cref="AccountStanding"/>).
/// </summary>
internal static class IdentityExtensions
{
    /// <summary>The scheme that authenticates each request: the bearer token when one is sent, else the cookie.</summary>
    public const string CookieOrBearer = "CookieOrBearer";

    public static void AddPortalIdentity(this IHostApplicationBuilder builder)
    {
        RevocationOptions revocation = (builder.Configuration.GetSection("Revocation").Get<RevocationOptions>() ?? new RevocationOptions()).Validated();
        builder.Services.AddSingleton(revocation);
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddAuthentication(CookieOrBearer)
            .AddPolicyScheme(CookieOrBearer, "Cookie or bearer token", o => o.ForwardDefaultSelector = context =>
                CarriesBearerToken(context.Request) ? IdentityConstants.BearerScheme : IdentityConstants.ApplicationScheme)
            .AddIdentityCookies();
        builder.Services.AddAuthentication().AddBearerToken(IdentityConstants.BearerScheme, o =>
        {
            o.BearerTokenExpiration = revocation.AccessTokenLifetime;
            o.RefreshTokenExpiration = revocation.RefreshTokenLifetime;
        });
        builder.Services.AddPermissionPolicies();
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuthorizationProblemHandler>();
        builder.Services.AddIdentityCore<IdentityUser>(o =>
            {
                o.Password.RequiredLength = 12;
                o.Password.RequireNonAlphanumeric = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
                o.User.RequireUniqueEmail = true;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.AccessDeniedPath = "/account/denied";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
        });
        // Identity's own cookie check would rebuild the principal from the database and drop the second factor's
        // claim; AccountRevalidation checks every request instead, within the revocation interval.
        builder.Services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromDays(1));

        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<AccountStanding>();
        builder.Services.AddSingleton<IAccountStanding>(s => s.GetRequiredService<AccountStanding>());
        builder.Services.AddScoped<AuthenticationStateProvider, RevalidatingIdentityStateProvider>();
        builder.Services.AddScoped<ApiSessions>();
        builder.Services.AddScoped<AccountSignIn>();
        builder.Services.AddScoped<AccountSignOut>();
        builder.Services.AddScoped<AccountSelfService>();
        builder.Services.AddScoped<IdentitySeeder>();
    }

    /// <summary>After authentication: revoked cookies and tokens stop here.</summary>
    public static void UseAccountRevalidation(this WebApplication app) => app.UseMiddleware<AccountRevalidation>();

    public static bool CarriesBearerToken(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
}
