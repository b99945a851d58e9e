using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using MedCrypt.Domain.Access;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// Every page and API route × anonymous, Staff, Doctor, Auditor, Admin → allowed or denied, walked against the
/// running portal. A route the portal maps without a row here fails the test: access rules are decided, not inherited.
/// </summary>
public sealed class AuthorizationMatrixTests
{
    private const string Anonymous = "anonymous";

    // A Doctor and an Admin who have not enrolled an authenticator: on a password alone they reach their account page only, and the API gives them no token.
    private const string DoctorWithoutSecondFactor = "Doctor-without-2fa", AdminWithoutSecondFactor = "Admin-without-2fa";
    private static readonly string[] Everyone = [Anonymous, Roles.Staff, Roles.Doctor, Roles.Auditor, Roles.Admin, DoctorWithoutSecondFactor, AdminWithoutSecondFactor];
    private static readonly string[] SignedIn = [Roles.Staff, Roles.Doctor, Roles.Auditor, Roles.Admin];
    private static readonly string[] Enrolling = [.. SignedIn, DoctorWithoutSecondFactor, AdminWithoutSecondFactor];
    private static readonly string[] Analysts = [Roles.Staff, Roles.Doctor, Roles.Admin];
    private static readonly string[] Auditors = [Roles.Auditor, Roles.Admin];
    private static readonly string[] HistoryReaders = SignedIn; // predictions without images: every role reads them

    /// <summary>The matrix: method and route pattern as the portal maps it → who gets through. PAGE is a Razor page: GET, and POST for its forms.</summary>
    private static readonly (string Method, string Route, string[] Allowed)[] Matrix =
    [
        // Pages
        ("PAGE", "/", SignedIn),
        ("PAGE", "/analyse", Analysts),
        ("PAGE", "/studies/{Id:guid}", Analysts),
        ("PAGE", "/audit", Auditors),
        ("PAGE", "/history", HistoryReaders),
        ("GET", "/history/export.csv", HistoryReaders),
        ("PAGE", "/admin/users", [Roles.Admin]),
        ("PAGE", "/admin/keys", [Roles.Admin]),
        ("PAGE", "/admin/system", [Roles.Admin]),
        ("PAGE", "/admin/institutions", [Roles.Admin]),
        ("GET", "/admin/institutions/card.json", [Roles.Admin]),
        ("POST", "/studies/{id:guid}/send", [Roles.Doctor]), // the study page's send form
        ("PAGE", "/account", Enrolling),
        ("PAGE", "/account/password", Enrolling),
        ("PAGE", "/account/two-factor", Enrolling),
        ("PAGE", "/account/login", Everyone),
        ("PAGE", "/account/login-2fa", Everyone),
        ("PAGE", "/account/denied", Everyone),
        ("POST", "/account/logout", Everyone),
        ("PAGE", "/error", Everyone),
        ("GET", "/health", Everyone),
        ("GET", "/openapi/{documentName}.json", Everyone),
        ("GET", "/metrics", [Roles.Admin]), // Prometheus scrape, bearer token like the API

        // REST API
        ("POST", "/api/v1/auth/login", Everyone),
        ("POST", "/api/v1/auth/refresh", Everyone),
        ("GET", "/api/v1/schemes", SignedIn),
        ("POST", "/api/v1/studies", Analysts),
        ("GET", "/api/v1/studies/{id:guid}", Analysts),
        ("GET", "/api/v1/studies/{id:guid}/image/protected", Analysts),
        ("GET", "/api/v1/studies/{id:guid}/image/original", [Roles.Doctor]),
        ("GET", "/api/v1/series/{id:guid}", Analysts),
        ("GET", "/api/v1/predictions", HistoryReaders),
        ("GET", "/api/v1/predictions.csv", HistoryReaders),
        ("GET", "/api/v1/audit", Auditors),
        ("GET", "/api/v1/audit/verify", Auditors),
        ("GET", "/api/v1/admin/keys", [Roles.Admin]),
        ("GET", "/api/v1/institutions/", [Roles.Admin]),
        ("GET", "/api/v1/institutions/self", [Roles.Admin]),
        ("POST", "/api/v1/institutions/", [Roles.Admin]),
        ("DELETE", "/api/v1/institutions/{id:guid}", [Roles.Admin]),
        ("POST", "/api/v1/studies/{id:guid}/send", [Roles.Doctor]),
        ("POST", "/api/v1/transfers", Analysts),
        ("POST", "/api/v1/admin/keys/schemes/{schemeId}", [Roles.Admin]),
        ("POST", "/api/v1/admin/keys/master/rotate", [Roles.Admin]),
        ("POST", "/api/v1/admin/keys/master/rewrap", [Roles.Admin]),
        ("GET", "/api/v1/admin/users/", [Roles.Admin]),
        ("POST", "/api/v1/admin/users/", [Roles.Admin]),
        ("GET", "/api/v1/admin/users/{userId}", [Roles.Admin]),
        ("PUT", "/api/v1/admin/users/{userId}/roles", [Roles.Admin]),
        ("POST", "/api/v1/admin/users/{userId}/break-glass", [Roles.Admin]),
        ("POST", "/api/v1/admin/users/{userId}/lock", [Roles.Admin]),
        ("POST", "/api/v1/admin/users/{userId}/unlock", [Roles.Admin]),
        ("POST", "/api/v1/admin/users/{userId}/two-factor/reset", [Roles.Admin]),
        ("GET", "/api/v1/admin/users/role-changes", [Roles.Admin]),
        ("POST", "/api/v1/admin/users/role-changes/{changeId:guid}/confirm", [Roles.Admin]),
        ("POST", "/api/v1/admin/users/role-changes/{changeId:guid}/reject", [Roles.Admin]),

        // Last: these end the account's sessions (each is called with a token of its own, and everything after it would find its tokens revoked).
        ("POST", "/api/v1/auth/logout", SignedIn),
        ("POST", "/api/v1/auth/sign-out-everywhere", SignedIn),
    ];

    [Fact]
    public async Task Every_route_has_a_row_and_every_row_holds_for_every_role()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        (string Method, string Route)[] mapped = [.. MappedRoutes(factory)];
        string[] unlisted = [.. mapped.Where(r => !Matrix.Any(m => m.Method == r.Method && m.Route == r.Route)).Select(r => $"{r.Method} {r.Route}")];
        Assert.True(unlisted.Length == 0, $"Routes without a row in the authorization matrix: {string.Join(", ", unlisted)}");
        string[] stale = [.. Matrix.Where(m => !mapped.Contains((m.Method, m.Route))).Select(m => $"{m.Method} {m.Route}")];
        Assert.True(stale.Length == 0, $"Rows for routes the portal does not map: {string.Join(", ", stale)}");

        Guid study = await StudyAsync(factory, ct);
        await TestAccounts.CreateAsync(factory.Services, Email(DoctorWithoutSecondFactor), PortalFactory.DemoPassword, Roles.Doctor, authenticatorKey: null);
        await TestAccounts.CreateAsync(factory.Services, Email(AdminWithoutSecondFactor), PortalFactory.DemoPassword, Roles.Admin, authenticatorKey: null);
        var failures = new List<string>();
        foreach (string who in Everyone)
        {
            // Pages with the sign-in cookie, the API with a bearer token, as browsers and hospital systems call them.
            (HttpClient pages, HttpClient api) = await ClientsAsync(factory, who, ct);
            foreach ((string kind, string route, string[] allowed) in Matrix)
                foreach (string method in kind == "PAGE" ? (string[])["GET", "POST"] : [kind])
                {
                    bool expected = allowed.Contains(who);
                    using var request = new HttpRequestMessage(new HttpMethod(method), Concrete(route, study));
                    HttpClient client = route is "/api/v1/auth/logout" or "/api/v1/auth/sign-out-everywhere" ? (await ClientsAsync(factory, who, ct)).Api
                        : route.StartsWith("/api/", StringComparison.Ordinal) || route == "/metrics" ? api : pages;
                    using HttpResponseMessage response = await client.SendAsync(request, ct);
                    // A page's challenge or forbid redirects to the login or denied page with a ReturnUrl, or to the
                    // enrolment page for a missing second factor; the API answers 401/403.
                    bool denied = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                        || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString is { } to
                            && (to.Contains("ReturnUrl=", StringComparison.OrdinalIgnoreCase) || to == "/account/two-factor"));
                    if (denied == expected || (int)response.StatusCode >= 500)
                    {
                        failures.Add($"{who}: {method} {route} → {(int)response.StatusCode} {response.Headers.Location}, expected {(expected ? "allowed" : "denied")}");
                    }
                }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>The routes the running portal maps, with framework plumbing (static files and their fallback, the Blazor circuit) left out.</summary>
    private static IEnumerable<(string Method, string Route)> MappedRoutes(PortalFactory factory)
    {
        foreach (RouteEndpoint endpoint in factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            string route = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            if (route.StartsWith("/_", StringComparison.Ordinal) || route.Contains(":file}", StringComparison.Ordinal)
                || endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.StaticAssets.StaticAssetDescriptor>() is not null)
            {
                continue;
            }

            if (endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata>() is not null)
            {
                yield return ("PAGE", route); // GET, and POST for the page's forms
                continue;
            }

            foreach (string method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                yield return (method, route);
            }
        }
    }

    private static async Task<(HttpClient Pages, HttpClient Api)> ClientsAsync(PortalFactory factory, string who, CancellationToken ct)
    {
        HttpClient pages = factory.CreateClient(new() { AllowAutoRedirect = false });
        HttpClient api = factory.CreateClient(new() { AllowAutoRedirect = false });
        if (who != Anonymous)
        {
            string email = Email(who);
            await FormSignIn.SignInAsync(pages, email, PortalFactory.DemoPassword);
            HttpResponseMessage login = await api.PostAsJsonAsync("/api/v1/auth/login",
                new { email, password = PortalFactory.DemoPassword, twoFactorCode = Totp.Code(PortalFactory.DemoAuthenticatorKey, DateTimeOffset.UtcNow) }, ct);
            if (who is DoctorWithoutSecondFactor or AdminWithoutSecondFactor)
            {
                await Api.AssertProblemAsync(login, HttpStatusCode.Forbidden); // no token on a password alone: the API client stays anonymous
                return (pages, api);
            }

            login.EnsureSuccessStatusCode();
            string token = (await login.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accessToken").GetString()!;
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return (pages, api);
    }

    private static string Email(string who) => $"{who.ToLowerInvariant()}@medcrypt.local";

    private static string Concrete(string route, Guid study) => route
        .Replace("{Id:guid}", study.ToString("D"), StringComparison.Ordinal)
        .Replace("{id:guid}", study.ToString("D"), StringComparison.Ordinal)
        .Replace("{documentName}", "v1", StringComparison.Ordinal)
        .Replace("{userId}", "no-such-user", StringComparison.Ordinal)
        .Replace("{changeId:guid}", Guid.Empty.ToString("D"), StringComparison.Ordinal);

    private static async Task<Guid> StudyAsync(PortalFactory factory, CancellationToken ct)
    {
        var staff = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "staff@medcrypt.local"), new Claim(ClaimTypes.Role, Roles.Staff)], "test"));
        return (await TestStudies.For(factory).AnalyseAsync(staff, "scan.png", TestStudies.Scan(), "block", ct)).Id;
    }
}
