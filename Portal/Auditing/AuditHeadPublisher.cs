namespace MedCrypt.Portal.Auditing;

/// <summary>
/// Publishes a signed tree head at start (a new key's first head at once, so an empty heads file is never normal),
/// every <see cref="AuditAnchorOptions.PublishInterval"/> when the log grew, and once more at shutdown.
/// </summary>
internal sealed class AuditHeadPublisher(AuditAnchor anchor, ILogger<AuditHeadPublisher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(anchor.Options.PublishInterval);
        try
        {
            await PublishAsync(stoppingToken);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await PublishAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await PublishAsync(cancellationToken);
    }

    private async Task PublishAsync(CancellationToken cancellationToken)
    {
        try
        {
            await anchor.PublishAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The database may be down; the next tick tries again (a refusal is logged by the anchor).
            logger.LogError(e, "The audit log's tree head could not be published.");
        }
    }
}
