using Npgsql;

namespace MedCrypt.Portal.Live;

/// <summary>
/// Keeps several portal instances on one PostgreSQL database in step: LISTENs on <see cref="Channel"/>, where each
/// instance NOTIFYs the id of every study it commits, and forwards the ids into this instance's <see cref="StudyFeed"/>
/// (which drops the ones it already announced, its own included). One dedicated connection, with keep-alives so a
/// vanished server is noticed; when the connection fails it reconnects with a doubling delay of up to 30 s.
/// </summary>
public sealed class PostgresStudyListener(string connectionString, StudyFeed feed, ILogger<PostgresStudyListener> logger) : BackgroundService
{
    public const string Channel = "medcrypt_studies";
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);
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
}
