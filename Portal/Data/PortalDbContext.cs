using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace MedCrypt.Portal.Data;

/// <summary>
/// The portal's database: accounts and roles (ASP.NET Core Identity) and the audit log; studies, predictions and keys
/// join it next. One migration set per provider lives in a subclass of its own (<see cref="SqlitePortalDbContext"/>,
/// <see cref="PostgresPortalDbContext"/>); the app always asks for this type.
/// </summary>
public class PortalDbContext(DbContextOptions options) : IdentityDbContext<IdentityUser>(options), IDataProtectionKeyContext
{
    public DbSet<AuditRecord> AuditRecords => Set<AuditRecord>();

    public DbSet<KeyRecord> Keys => Set<KeyRecord>();

    /// <summary>ASP.NET Core Data Protection's key ring, shared by every portal instance.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<AuditRecord>(audit =>
        {
            audit.ToTable("AuditEvents");
            audit.HasIndex(r => r.Sequence).IsUnique(); // two writers cannot both extend the chain from one tip
            audit.Property(r => r.Actor).HasMaxLength(256);
            audit.Property(r => r.Action).HasMaxLength(64);
            audit.Property(r => r.Subject).HasMaxLength(256);
            audit.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(16);
            audit.Property(r => r.Detail).HasMaxLength(2048);
            audit.Property(r => r.PreviousHash).HasMaxLength(64);
            audit.Property(r => r.Hash).HasMaxLength(64);
        });
        builder.Entity<KeyRecord>(key =>
        {
            key.ToTable("Keys");
            key.HasKey(k => k.Id);
            key.Property(k => k.Id).HasMaxLength(64);
            key.Property(k => k.Purpose).HasMaxLength(64);
            key.Property(k => k.CreatedBy).HasMaxLength(256);
            key.HasIndex(k => new { k.Purpose, k.Active });
        });
    }
}

/// <summary>The embedded default: a SQLite file created and migrated at start-up.</summary>
public sealed class SqlitePortalDbContext(DbContextOptions<SqlitePortalDbContext> options) : PortalDbContext(options);

/// <summary>The deployment database: PostgreSQL through Npgsql.</summary>
public sealed class PostgresPortalDbContext(DbContextOptions<PostgresPortalDbContext> options) : PortalDbContext(options);
