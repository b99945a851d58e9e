using MedCrypt.Domain.Access;
using Microsoft.AspNetCore.Identity;

namespace MedCrypt.Portal.Data;

/// <summary>
/// Makes sure the roles exist and someone can sign in. In Development, with no users yet, one demo account per role
/// (admin@, staff@, doctor@, auditor@medcrypt.local) with the password from appsettings.Development.json
/// (Seed:DemoPassword). Elsewhere demo accounts are never made: an administrator must exist, or Bootstrap:AdminEmail and
/// Bootstrap:AdminPassword must name the first one, or the portal refuses to start.
/// </summary>
internal sealed class IdentitySeeder(
    RoleManager<IdentityRole> roles, UserManager<IdentityUser> users, IConfiguration configuration, IHostEnvironment environment, ILogger<IdentitySeeder> logger)
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
            foreach (string role in Roles.All)
            {
                await CreateAsync($"{role.ToLowerInvariant()}@{DemoDomain}", password, role);
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

    private async Task CreateAsync(string email, string password, string role)
    {
        var user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
        Check(await users.CreateAsync(user, password), $"create {email}");
        Check(await users.AddToRoleAsync(user, role), $"add {email} to {role}");
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }
}
