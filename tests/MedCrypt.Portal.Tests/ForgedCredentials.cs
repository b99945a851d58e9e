using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// A sign-in cookie and a bearer token minted the way the portal's handlers protect them (Identity's cookie and bearer
/// schemes, their Data Protection purposes, a principal with the user's id, role and security stamp), from whatever
/// Data Protection provider is given: the portal's own, or one an attacker built from a copied key ring.
/// </summary>
internal static class ForgedCredentials
{
    public static string Cookie(IDataProtectionProvider protection, string userId, string email, string role, string securityStamp)
    {
        IDataProtector protector = protection.CreateProtector(
            "Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationMiddleware", IdentityConstants.ApplicationScheme, "v2");
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var ticket = new AuthenticationTicket(
            Principal(userId, email, role, securityStamp, IdentityConstants.ApplicationScheme),
            new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now.AddHours(8) },
            IdentityConstants.ApplicationScheme);
        return $".AspNetCore.Identity.Application={new TicketDataFormat(protector).Protect(ticket)}";
    }

    public static string BearerToken(IDataProtectionProvider protection, string userId, string email, string role, string securityStamp)
    {
        IDataProtector protector = protection.CreateProtector("Microsoft.AspNetCore.Authentication.BearerToken", IdentityConstants.BearerScheme, "BearerToken");
        var ticket = new AuthenticationTicket(
            Principal(userId, email, role, securityStamp, IdentityConstants.BearerScheme),
            new AuthenticationProperties { ExpiresUtc = DateTimeOffset.UtcNow.AddHours(1) },
            IdentityConstants.BearerScheme);
        return new TicketDataFormat(protector).Protect(ticket);
    }

    /// <summary>Whether the portal's home page, sent this cookie, shows <paramref name="email"/> signed in (rather than sending to sign-in).</summary>
    public static async Task<bool> CookieSignsInAsync(PortalFactory portal, string cookie, string email)
    {
        HttpClient client = portal.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", cookie);
        HttpResponseMessage response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode == HttpStatusCode.OK && (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Contains(email, StringComparison.Ordinal);
    }

    /// <summary>What the API answers a signed-in-only route with this bearer token.</summary>
    public static async Task<HttpStatusCode> BearerStatusAsync(PortalFactory portal, string token)
    {
        HttpClient client = portal.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/schemes");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await client.SendAsync(request, TestContext.Current.CancellationToken)).StatusCode;
    }

    private static ClaimsPrincipal Principal(string userId, string email, string role, string securityStamp, string scheme) =>
        new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, userId),
                new Claim(ClaimTypes.Name, email),
                new Claim(ClaimTypes.Email, email),
                new Claim(ClaimTypes.Role, role),
                new Claim("AspNet.Identity.SecurityStamp", securityStamp),
                new Claim("amr", "mfa"),
            ],
            scheme));
}
