using MedCrypt.Domain.Access;
using MedCrypt.Portal.Account;
using Microsoft.AspNetCore.Identity;

namespace MedCrypt.Portal.Data;

/// <summary>
/// Makes sure the roles exist and someone can sign in. In Development, with no users yet, one demo account per role
/// (admin@, staff@, doctor@, auditor@medcrypt.local) with the password from appsettings.Development.json
/// (Seed:DemoPassword); the demo Doctor and Admin come enrolled in two-factor sign-in with the authenticator key beside it
/// (Seed:DemoAuthenticatorKey, base32: add it to an authenticator app, or compute its codes), since those roles may do
/// nothing on a password alone, in Development neither. Elsewhere demo accounts are never made: an administrator must exist, or Bootstrap:AdminEmail and
/// Bootstrap:AdminPassword must name the first one, or the portal refuses to start.
/// </summary>
internal sealed class IdentitySeeder(
    RoleManager<IdentityRole> roles, UserManager<IdentityUser> users, IUserStore<IdentityUser> store, IConfiguration configuration, IHostEnvironment environment, ILogger<IdentitySeeder> logger)
{
    public const string DemoDomain = "medcrypt.local";

    public async Task SeedAsync()
    {
        foreach (string role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)), $"create role {role}");
            }
        }

        if (environment.IsDevelopment() && !users.Users.Any())
        {
            string password = configuration["Seed:DemoPassword"]
                ?? throw new InvalidOperationException("Seed:DemoPassword is missing from appsettings.Development.json.");
            string authenticatorKey = configuration["Seed:DemoAuthenticatorKey"]
                ?? throw new InvalidOperationException("Seed:DemoAuthenticatorKey is missing from appsettings.Development.json.");
            foreach (string role in Roles.All)
            {
                IdentityUser user = await CreateAsync($"{role.ToLowerInvariant()}@{DemoDomain}", password, role);
                if (AccessPolicy.IsPrivileged(role))
                {
                    await EnrolAsync(user, authenticatorKey);
                }
            }

            logger.LogWarning("Development: demo accounts created for {Roles} (@{Domain}).", string.Join(", ", Roles.All), DemoDomain);
            return;
        }

        if ((await users.GetUsersInRoleAsync(Roles.Admin)).Count > 0)
        {
            return;
        }

        string? email = configuration["Bootstrap:AdminEmail"];
        string? adminPassword = configuration["Bootstrap:AdminPassword"];
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrWhiteSpace(adminPassword))
        {
            throw new InvalidOperationException(
                "No administrator exists. Set Bootstrap:AdminEmail and Bootstrap:AdminPassword (environment variables Bootstrap__AdminEmail, Bootstrap__AdminPassword) for the first start.");
        }

        await CreateAsync(email, adminPassword, Roles.Admin);
        logger.LogWarning("The bootstrap administrator {Email} was created; change its password after the first sign-in.", email);
    }

    private async Task<IdentityUser> CreateAsync(string email, string password, string role)
    {
        var user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
        Check(await users.CreateAsync(user, password), $"create {email}");
        Check(await users.AddToRoleAsync(user, role), $"add {email} to {role}");
        return user;
    }

    /// <summary>Two-factor sign-in on, with a known key: Identity's own API only sets a random one.</summary>
    private async Task EnrolAsync(IdentityUser user, string authenticatorKey)
    {
        await AuthenticatorKeys.SetBeforeEnrolmentAsync(users, store, user, authenticatorKey);
        Check(await users.SetTwoFactorEnabledAsync(user, true), $"turn on two-factor sign-in for {user.Email}");
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not {what}: {result.Describe()}");
        }
    }
}
