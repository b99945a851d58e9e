using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace MedCrypt.Portal.Data;

/// <summary>
/// Counts every failed command and connection of the portal's contexts in <see cref="DatabaseTelemetry"/>; it only
/// observes, the exception goes on as before. A unique violation is expected now and then (another instance took the
/// audit sequence number, and the append retries); an outage (<see cref="DatabaseOutage"/>) is what an operator pages on.
/// </summary>
internal sealed class DatabaseErrorInterceptor : IDbCommandInterceptor, IDbConnectionInterceptor
{
    private const int SqliteConstraint = 19;

    public static DatabaseErrorInterceptor Instance { get; } = new();

    /// <summary>Adds the interceptor to both providers' contexts (only the configured one is ever made).</summary>
    public static IServiceCollection AddTo(IServiceCollection services)
    {
        services.ConfigureDbContext<SqlitePortalDbContext>(o => o.AddInterceptors(Instance));
        services.ConfigureDbContext<PostgresPortalDbContext>(o => o.AddInterceptors(Instance));
        return services;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Count(eventData.Context, "command", eventData.Exception);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Count(eventData.Context, "command", eventData.Exception);
        return Task.CompletedTask;
    }

    public void ConnectionFailed(DbConnection connection, ConnectionErrorEventData eventData) => Count(eventData.Context, "connection", eventData.Exception);

    public Task ConnectionFailedAsync(DbConnection connection, ConnectionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Count(eventData.Context, "connection", eventData.Exception);
        return Task.CompletedTask;
    }

    private static void Count(DbContext? context, string operation, Exception exception) =>
        DatabaseTelemetry.Errors.Add(1,
            new KeyValuePair<string, object?>("provider", context is null ? "unknown" : context.Database.IsNpgsql() ? "postgres" : context.Database.IsSqlite() ? "sqlite" : "other"),
            new KeyValuePair<string, object?>("operation", operation),
            new KeyValuePair<string, object?>("kind", Kind(exception)));

    internal static string Kind(Exception exception) => exception switch
    {
        _ when DatabaseOutage.Caused(exception) => "unavailable",
        PostgresException p when p.SqlState.StartsWith("23", StringComparison.Ordinal) => "constraint", // class 23: integrity constraint violation
        SqliteException { SqliteErrorCode: SqliteConstraint } => "constraint",
        _ => "other",
    };
}
