using MedCrypt.Domain.Keys;
using MedCrypt.Portal.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;

namespace MedCrypt.Portal.KeyEncryption;

/// <summary>
/// Identity's EF Core user store with every user token (authenticator secret, recovery codes) encrypted at rest
/// (<see cref="UserTokenProtection"/>). Identity reads and writes both only through these two methods.
/// </summary>
internal sealed class ProtectedUserStore(PortalDbContext context, IKeyEncryptionKey kek, IdentityErrorDescriber? describer = null)
    : UserStore<IdentityUser, IdentityRole, PortalDbContext>(context, describer)
{
    public override Task SetTokenAsync(IdentityUser user, string loginProvider, string name, string? value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        string? stored = value is null ? null : UserTokenProtection.Protect(kek, user.Id, loginProvider, name, value);
        return base.SetTokenAsync(user, loginProvider, name, stored, cancellationToken);
    }

    public override async Task<string?> GetTokenAsync(IdentityUser user, string loginProvider, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        string? stored = await base.GetTokenAsync(user, loginProvider, name, cancellationToken);
        return stored is null ? null : UserTokenProtection.Unprotect(kek, user.Id, loginProvider, name, stored);
    }
}
