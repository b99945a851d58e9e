using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace MedCrypt.Portal.Data;

/// <summary>
/// The portal's database: accounts and roles (ASP.NET Core Identity) for now; studies, predictions, keys and the audit
/// log join it with the portal issue. One migration set per provider lives in a subclass of its own
/// (<see cref="SqlitePortalDbContext"/>, <see cref="PostgresPortalDbContext"/>); the app always asks for this type.
/// </summary>
public class PortalDbContext(DbContextOptions options) : IdentityDbContext<IdentityUser>(options);

/// <summary>The embedded default: a SQLite file created and migrated at start-up.</summary>
public sealed class SqlitePortalDbContext(DbContextOptions<SqlitePortalDbContext> options) : PortalDbContext(options);

/// <summary>The deployment database: PostgreSQL through Npgsql.</summary>
public sealed class PostgresPortalDbContext(DbContextOptions<PostgresPortalDbContext> options) : PortalDbContext(options);
