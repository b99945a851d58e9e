using MedCrypt.Domain.Accounts;

namespace MedCrypt.Portal.Administration;

/// <summary>Withdraws unreviewed break-glass grants and closes stale requests on time, even when no administrator opens the page.</summary>
internal sealed class RoleChangeExpiry(RoleApprovals approvals, ILogger<RoleChangeExpiry> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await approvals.SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Expired role changes could not be closed; trying again in {Interval}", Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
