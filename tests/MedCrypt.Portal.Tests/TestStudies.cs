using System.Security.Claims;
using MedCrypt.Crypto.Images;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Imaging;
using MedCrypt.Domain.Studies;
using MedCrypt.Portal.Authorization;
using MedCrypt.Portal.Data;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>Studies made the way the portal makes them (through the <see cref="AnalyseStudy"/> use case), and the people who make them.</summary>
internal static class TestStudies
{
    /// <summary>Signed in as the portal signs people in; a Doctor or Admin with their second factor, as they must be.</summary>
    public static ClaimsPrincipal User(string email, params string[] roles) =>
        new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, email), .. roles.Select(r => new Claim(ClaimTypes.Role, r)),
                .. AccessPolicy.RequiresSecondFactor(roles) ? [new Claim(ActorClaims.AuthenticationMethod, ActorClaims.MultiFactor)] : Array.Empty<Claim>(),
            ],
            "test"));

    public static ClaimsPrincipal Staff => User("staff@medcrypt.local", Roles.Staff);

    public static ClaimsPrincipal Doctor => User("doctor@medcrypt.local", Roles.Doctor);

    public static ClaimsPrincipal Auditor => User("auditor@medcrypt.local", Roles.Auditor);

    public static ClaimsPrincipal Admin => User("admin@medcrypt.local", Roles.Admin);

    public static StudyClient For(WebApplicationFactory<Program> factory) => new(factory.Services);

    public static Task<StudyDetails> AnalyseAsync(PortalFactory factory, ClaimsPrincipal user, string scheme = "block", string fileName = "scan.png", int seed = 0) =>
        For(factory).AnalyseAsync(user, fileName, Scan(seed), scheme, TestContext.Current.CancellationToken);

    /// <summary>A head-like ellipse whose texture depends on <paramref name="seed"/>, so studies differ.</summary>
    public static byte[] Scan(int seed = 0) => ScanWithPixels(seed).Png;

    /// <summary><see cref="Scan"/> and its pixels, for tests that compare what comes back with what went in.</summary>
    public static (byte[] Png, byte[] Pixels) ScanWithPixels(int seed = 0)
    {
        var image = new PixelImage(64, 64, PixelFormat.Gray8);
        for (int y = 0; y < 64; y++)
        {
            for (int x = 0; x < 64; x++)
            {
                double u = (x - 32) / 26.0, v = (y - 32) / 28.0;
                image.Row(y)[x] = (byte)((u * u) + (v * v) <= 1 ? 60 + (((3 + seed) * x) + ((1 + (2 * seed)) * y) + (17 * seed)) % 150 : 0);
            }
        }

        return (new ImageCodec().EncodePng(image), image.Pixels.ToArray());
    }

    /// <summary>How many studies the database holds: what a refusal must leave unchanged.</summary>
    public static async Task<int> CountAsync(PortalFactory factory)
    {
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Studies.CountAsync(TestContext.Current.CancellationToken);
    }
}
