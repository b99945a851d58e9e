using Npgsql;

namespace MedCrypt.Portal.Live;

/// <summary>
/// Keeps several portal instances on one PostgreSQL database in step: LISTENs on <see cref="Channel"/>, where each
/// instance NOTIFYs the id of every study it commits, and forwards the ids into this instance's <see cref="StudyFeed"/>
/// (which drops the ones it already announced, its own included). One dedicated connection, with keep-alives so a
/// vanished server is noticed; when the connection fails it reconnects with a doubling delay of up to 30 s, and then
/// replays the studies committed while it was not listening (NOTIFY is not queued for a session that is gone).
/// </summary>
public sealed class PostgresStudyListener(string connectionString, StudyFeed feed, ILogger<PostgresStudyListener> logger) : BackgroundService
{
    public const string Channel = "medcrypt_studies";
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);

    /// <summary>How far before the loss the replay starts: other instances stamp studies with their own clocks.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);
    private volatile bool _listening;

    /// <summary>True while the LISTEN is in place (notifications sent meanwhile arrive).</summary>
    public bool IsListening => _listening;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string listenerConnection = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false, // a LISTENing session is not to be shared
            KeepAlive = 15,
            ApplicationName = "medcrypt-study-listener",
        }.ConnectionString;
        TimeSpan retry = FirstRetry;
        DateTimeOffset? lostAt = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(listenerConnection);
                connection.Notification += (_, e) =>
                {
                    if (Guid.TryParse(e.Payload, out Guid id))
                    {
                        feed.Publish(id);
                    }
                };
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                if (lostAt is { } since)
                {
                    await ReplayAsync(connection, since - ClockSkew, stoppingToken);
                    lostAt = null;
                }

                _listening = true;
                retry = FirstRetry;
                logger.LogInformation("Listening for other instances' studies on {Channel}.", Channel);
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                _listening = false;
                lostAt ??= DateTimeOffset.UtcNow;
                logger.LogWarning("The study listener lost the database ({Message}); retrying in {Delay}.", e.Message, retry);
                try
                {
                    await Task.Delay(retry, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
            }
            finally
            {
                _listening = false;
            }
        }
    }

    /// <summary>
    /// Announces the studies committed since <paramref name="since"/>. LISTEN is already in place again, so a study
    /// committed from now on arrives as a notification; the feed drops any it hears both ways.
    /// </summary>
    private async Task ReplayAsync(NpgsqlConnection connection, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var query = new NpgsqlCommand("""SELECT "Id" FROM "Studies" WHERE "CreatedAt" >= $1 ORDER BY "CreatedAt" """, connection);
        query.Parameters.Add(new NpgsqlParameter { Value = since.ToUniversalTime() });
        int replayed = 0;
        await using NpgsqlDataReader reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            replayed += feed.Publish(reader.GetGuid(0)) ? 1 : 0;
        }

        logger.LogInformation("Listening again; {Count} studies committed meanwhile were announced.", replayed);
    }
}
