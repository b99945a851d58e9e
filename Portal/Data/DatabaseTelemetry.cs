using System.Diagnostics.Metrics;

namespace MedCrypt.Portal.Data;

/// <summary>
/// The database's metric: errors by provider (sqlite, postgres), operation (command, connection) and kind
/// (unavailable, constraint, other), counted by <see cref="DatabaseErrorInterceptor"/>. Never the SQL or its parameters.
/// </summary>
public static class DatabaseTelemetry
{
    /// <summary>The name of the Meter.</summary>
    public const string Name = "MedCrypt.Database";

    private static readonly Meter Meter = new(Name);

    internal static Counter<long> Errors { get; } =
        Meter.CreateCounter<long>("medcrypt.database.errors", "{error}", "Database commands and connections that failed, by provider, operation and kind.");
}
