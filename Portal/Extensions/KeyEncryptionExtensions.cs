using MedCrypt.Domain.Keys;
using MedCrypt.Portal.Data;
using MedCrypt.Portal.KeyEncryption;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MedCrypt.Portal.Extensions;

internal static class KeyEncryptionExtensions
{
    /// <summary>
    /// The key-encryption key (section "KeyEncryption": a key file, or a certificate) and what it protects: Data
    /// Protection's key ring, the key store's keys (<see cref="Data.EfKeyStore"/>) and Identity's user tokens.
    /// Call after Identity and Data Protection are added.
    /// </summary>
    public static void AddKeyEncryption(this IHostApplicationBuilder builder, IDataProtectionBuilder dataProtection)
    {
        KeyEncryptionOptions options = builder.Configuration.GetSection("KeyEncryption").Get<KeyEncryptionOptions>() ?? new KeyEncryptionOptions();
        builder.Services.AddSingleton(options);
        if (options.UsesCertificate)
        {
            var certificate = CertificateKeyEncryptionKey.Load(options);
            builder.Services.AddSingleton<IKeyEncryptionKey>(new CertificateKeyEncryptionKey(certificate));
            dataProtection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        }
        else
        {
            // Made or read on first use, which KeyEncryptionUpgrade controls (it refuses to start without a key file a database needs).
            builder.Services.AddSingleton<IKeyEncryptionKey>(s => FileKeyEncryptionKey.Open(options.ResolveKeyFile(), s.GetRequiredService<ILogger<FileKeyEncryptionKey>>()));
            builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(s =>
                new ConfigureOptions<KeyManagementOptions>(o => o.XmlEncryptor = new KeyRingXmlEncryptor(s.GetRequiredService<IKeyEncryptionKey>())));
        }

        // The ring's repository (the database) hands Data Protection only encrypted keys once the upgrade has run.
        builder.Services.AddSingleton(s => new EncryptedKeysOnlyRepository(
            new EntityFrameworkCoreXmlRepository<PortalDbContext>(s, s.GetRequiredService<ILoggerFactory>()), options.UsesCertificate, s.GetRequiredService<ILogger<EncryptedKeysOnlyRepository>>()));
        builder.Services.AddSingleton<IPostConfigureOptions<KeyManagementOptions>>(s =>
            new PostConfigureOptions<KeyManagementOptions>(Options.DefaultName, o => o.XmlRepository = s.GetRequiredService<EncryptedKeysOnlyRepository>()));
        builder.Services.Replace(ServiceDescriptor.Scoped<IUserStore<IdentityUser>, ProtectedUserStore>());
        builder.Services.AddScoped<KeyEncryptionUpgrade>();
    }
}
