using MedCrypt.Domain.Access;
using MedCrypt.Domain.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>Accounts made as fixtures, straight through Identity (as seeding does), not through the administration they may exist to test.</summary>
internal static class TestAccounts
{
    /// <param name="authenticatorKey">Enrolled in two-factor sign-in with this base32 key; null: not enrolled.</param>
    public static async Task<IdentityUser> CreateAsync(IServiceProvider services, string email, string password, string role, string? authenticatorKey)
    {
        await using AsyncServiceScope scope = services.CreateAsyncScope();
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var account = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
        Assert.True((await users.CreateAsync(account, password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(account, role)).Succeeded);
        if (authenticatorKey is not null)
        {
            await EnrolAsync(services, email, authenticatorKey);
        }

        return (await users.FindByEmailAsync(email))!;
    }

    /// <summary>Two-factor sign-in on for an existing account, with a known key (as if they had enrolled on /account).</summary>
    public static async Task EnrolAsync(IServiceProvider services, string email, string authenticatorKey)
    {
        await using AsyncServiceScope scope = services.CreateAsyncScope();
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        IdentityUser account = (await users.FindByEmailAsync(email))!;
        var keys = (IUserAuthenticatorKeyStore<IdentityUser>)scope.ServiceProvider.GetRequiredService<IUserStore<IdentityUser>>();
        await keys.SetAuthenticatorKeyAsync(account, authenticatorKey, CancellationToken.None);
        Assert.True((await users.UpdateAsync(account)).Succeeded);
        Assert.True((await users.SetTwoFactorEnabledAsync(account, true)).Succeeded);
    }

    public static async Task<string> IdAsync(IServiceProvider services, string email)
    {
        await using AsyncServiceScope scope = services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByEmailAsync(email))!.Id;
    }

    /// <summary>Another administrator, enrolled with the demo key: the second pair of eyes separation of duties needs.</summary>
    public static async Task<AccountSummary> SecondAdministratorAsync(PortalFactory factory, string email)
    {
        IdentityUser account = await CreateAsync(factory.Services, email, PortalFactory.DemoPassword, Roles.Admin, PortalFactory.DemoAuthenticatorKey);
        return new AccountSummary(account.Id, email, [Roles.Admin], null, true, 0);
    }
}
