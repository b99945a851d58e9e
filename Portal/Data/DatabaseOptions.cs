namespace MedCrypt.Portal.Data;

/// <summary>The <c>Database</c> configuration section.</summary>
public sealed record DatabaseOptions
{
    /// <summary><c>Sqlite</c> (default, embedded, zero set-up) or <c>Postgres</c>.</summary>
    public DatabaseProvider Provider { get; init; } = DatabaseProvider.Sqlite;

    /// <summary>For Postgres: an Npgsql connection string. For Sqlite: optional, default a file under App_Data.</summary>
    public string? ConnectionString { get; init; }
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
