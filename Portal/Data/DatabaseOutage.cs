using System.Data.Common;
using System.Net.Sockets;
using Npgsql;

namespace MedCrypt.Portal.Data;

/// <summary>Tells a database that is away (stopped, restarting, unreachable) from a bug, by the exception it left.</summary>
public static class DatabaseOutage
{
    /// <summary>What the API and the pages say while the database is away.</summary>
    public const string Message = "The database is unavailable. Nothing was saved; try again in a few seconds.";

    public static bool Caused(Exception exception)
    {
        bool fromDatabase = false;
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case NpgsqlException { IsTransient: true }:
                case PostgresException { SqlState: ['0', '8', ..] }: // connection exceptions
                case PostgresException { SqlState: "57P01" or "57P02" or "57P03" }: // admin shutdown, crash shutdown, cannot connect now
                case SocketException:
                case TimeoutException:
                case IOException when fromDatabase: // a stream the server closed under a query (not a file of ours)
                // Npgsql's own state errors on a connection the server dropped mid-transaction ("Transaction is already
                // completed" on the next command): the first failure was the outage, this is its echo.
                case InvalidOperationException { Source: "Npgsql" }:
                    return true;
                case DbException:
                    fromDatabase = true;
                    break;
            }
        }

        return false;
    }
}
