using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace MedCrypt.Portal.Data;

/// <summary>
/// The portal's database: accounts and roles (ASP.NET Core Identity), keys, studies and predictions, and the audit
/// log. One migration set per provider lives in a subclass of its own (<see cref="SqlitePortalDbContext"/>,
/// <see cref="PostgresPortalDbContext"/>); the app always asks for this type.
/// </summary>
public class PortalDbContext(DbContextOptions options) : IdentityDbContext<IdentityUser>(options), IDataProtectionKeyContext
{
    public DbSet<AuditRecord> AuditRecords => Set<AuditRecord>();

    public DbSet<KeyRecord> Keys => Set<KeyRecord>();

    public DbSet<StudyRecord> Studies => Set<StudyRecord>();

    public DbSet<PredictionRecord> Predictions => Set<PredictionRecord>();

    public DbSet<PendingRoleChangeRecord> RoleChanges => Set<PendingRoleChangeRecord>();

    public DbSet<ApiSessionRecord> ApiSessions => Set<ApiSessionRecord>();

    public DbSet<InstitutionRecord> Institutions => Set<InstitutionRecord>();

    public DbSet<ReceivedPackageRecord> ReceivedPackages => Set<ReceivedPackageRecord>();

    public DbSet<PacsImportRecord> PacsImports => Set<PacsImportRecord>();

    public DbSet<PacsCursorRecord> PacsCursors => Set<PacsCursorRecord>();

    /// <summary>ASP.NET Core Data Protection's key ring, shared by every portal instance.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<AuditRecord>(audit =>
        {
            audit.ToTable("AuditEvents");
            audit.HasIndex(r => r.Sequence).IsUnique(); // two writers cannot both extend the chain from one tip
            audit.HasIndex(r => new { r.Action, r.Subject }); // the institutions' removals are read at every transfer, and the log is searched by both
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
            // One active key per purpose, enforced by the database too: two instances racing to make or rotate a key
            // cannot both win. "Active" alone is a valid filter in SQLite and PostgreSQL alike.
            key.HasIndex(k => k.Purpose).IsUnique().HasFilter("\"Active\"").HasDatabaseName("IX_Keys_OneActivePerPurpose");
        });
        builder.Entity<StudyRecord>(study =>
        {
            study.ToTable("Studies");
            study.Property(s => s.UploadedBy).HasMaxLength(256);
            study.Property(s => s.FileName).HasMaxLength(128);
            study.Property(s => s.SchemeId).HasMaxLength(32);
            study.Property(s => s.SchemeKeyId).HasMaxLength(64);
            study.Property(s => s.PatientPseudonym).HasMaxLength(64);
            study.Property(s => s.DicomMetadata).HasMaxLength(4096);
            study.HasIndex(s => s.CreatedAt);
            study.HasIndex(s => s.PatientPseudonym); // one patient's studies together
            study.HasIndex(s => new { s.SeriesId, s.SliceIndex }); // a series' slices in order
            study.HasMany(s => s.Predictions).WithOne().HasForeignKey(p => p.StudyId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<PredictionRecord>(prediction =>
        {
            prediction.ToTable("Predictions");
            prediction.Property(p => p.Model).HasMaxLength(64);
            prediction.Property(p => p.Label).HasMaxLength(32);
            prediction.Property(p => p.Device).HasMaxLength(16);
            prediction.HasIndex(p => new { p.Model, p.Label });
        });
        builder.Entity<PendingRoleChangeRecord>(change =>
        {
            change.ToTable("RoleChanges");
            change.Property(c => c.TargetUserId).HasMaxLength(450);
            change.Property(c => c.TargetEmail).HasMaxLength(256);
            change.Property(c => c.Role).HasMaxLength(64);
            change.Property(c => c.RequestedBy).HasMaxLength(256);
            change.Property(c => c.DecidedBy).HasMaxLength(256);
            change.Property(c => c.Reason).HasMaxLength(1024);
            change.Property(c => c.State).HasConversion<string>().HasMaxLength(16);
            change.HasIndex(c => c.State);
        });
        builder.Entity<ApiSessionRecord>(session =>
        {
            session.ToTable("ApiSessions");
            session.Property(r => r.Id).HasMaxLength(64);
            session.Property(r => r.UserId).HasMaxLength(450);
            session.Property(r => r.RefreshHash).HasMaxLength(32);
            session.HasIndex(r => r.UserId);
            session.HasOne<IdentityUser>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade); // a deleted account leaves no session
        });
        builder.Entity<InstitutionRecord>(institution =>
        {
            institution.ToTable("Institutions");
            institution.Property(r => r.Name).HasMaxLength(120);
            institution.Property(r => r.AgreementKey).HasMaxLength(65);
            institution.Property(r => r.SigningKey).HasMaxLength(65);
            institution.Property(r => r.AgreementFingerprint).HasMaxLength(64);
            institution.Property(r => r.SigningFingerprint).HasMaxLength(64);
            institution.Property(r => r.AddedBy).HasMaxLength(256);
            // A key names one institution: a package's sender is found by its signing key, and no two cards share one.
            institution.HasIndex(r => r.SigningFingerprint).IsUnique();
            institution.HasIndex(r => r.AgreementFingerprint).IsUnique();
        });
        builder.Entity<PacsImportRecord>(import =>
        {
            import.ToTable("PacsImports");
            import.HasKey(r => r.Key); // a series is taken in once, whichever instance or restart tries again
            import.Property(r => r.Key).HasMaxLength(64);
        });
        builder.Entity<PacsCursorRecord>(cursor =>
        {
            cursor.ToTable("PacsCursors");
            cursor.Property(r => r.Id).ValueGeneratedNever();
            cursor.Property(r => r.Source).HasMaxLength(512);
        });
        builder.Entity<ReceivedPackageRecord>(received =>
        {
            received.ToTable("ReceivedPackages");
            received.HasKey(r => new { r.SenderFingerprint, r.PackageId }); // a package is taken in once: a replay racing the first loses here
            received.Property(r => r.SenderFingerprint).HasMaxLength(64);
        });
    }
}

/// <summary>The embedded default: a SQLite file created and migrated at start-up.</summary>
public sealed class SqlitePortalDbContext(DbContextOptions<SqlitePortalDbContext> options) : PortalDbContext(options);

/// <summary>The deployment database: PostgreSQL through Npgsql.</summary>
public sealed class PostgresPortalDbContext(DbContextOptions<PostgresPortalDbContext> options) : PortalDbContext(options);
