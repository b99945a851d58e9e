using MedCrypt.Domain.Access;
using MedCrypt.Domain.Failures;
using MedCrypt.Domain.Keys;

namespace MedCrypt.Portal.Keys;

/// <summary>
/// Re-encryption as a background job: the keys page starts it and watches its progress, closing the page does not
/// stop it, and one that a crash, a cancellation or a restart interrupted resumes when the portal starts again (the
/// audit log is its journal: <see cref="KeyAdministration.IsReencryptionUnfinishedAsync"/>). One job at a time per instance.
/// </summary>
public sealed class KeyMaintenance(KeyAdministration keys, ILogger<KeyMaintenance> logger) : BackgroundService
{
    /// <summary>Whom a resumed job is audited as: the installation, with the role the job needs.</summary>
    private static readonly Actor System = Actor.System("resuming re-encryption", Roles.Admin);

    private readonly Lock _gate = new();
    private CancellationToken _stopping = CancellationToken.None;
    private Task _job = Task.CompletedTask;

    /// <summary>Raised after each batch and when the job ends; handlers run on the job's thread and must be short.</summary>
    public event Action? Changed;

    public bool IsRunning => !_job.IsCompleted;

    /// <summary>The running totals of the current or last job.</summary>
    public RewrapReport? Progress { get; private set; }

    /// <summary>Why the last job stopped early, if it did.</summary>
    public string? Error { get; private set; }

    /// <summary>Starts re-encrypting everything under a new master key; the returned task ends with the job.</summary>
    /// <exception cref="ConflictException">A job is running already.</exception>
    public Task StartReencryption(Actor user) => Start(ct => keys.ReencryptAsync(user, Report, cancellationToken: ct));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        if (await keys.IsReencryptionUnfinishedAsync(stoppingToken))
        {
            logger.LogWarning("A re-encryption was interrupted; resuming it");
            await Start(ct => keys.ResumeReencryptionAsync(System, Report, cancellationToken: ct));
        }
    }

    private Task Start(Func<CancellationToken, Task<RewrapReport>> job)
    {
        lock (_gate)
        {
            if (IsRunning)
            {
                throw new ConflictException("A re-encryption is running already; its progress is on this page.");
            }

            Error = null;
            _job = Task.Run(async () =>
            {
                try
                {
                    Progress = await job(_stopping);
                }
                catch (Exception e) when (e is OperationCanceledException or DomainException)
                {
                    Error = e is OperationCanceledException ? "Interrupted: it resumes when the portal starts again." : e.Message;
                }
                catch (Exception e)
                {
                    logger.LogError(e, "Re-encryption failed; it resumes when the portal starts again");
                    Error = "Re-encryption stopped on an error (logged); it resumes when the portal starts again.";
                }
                finally
                {
                    Changed?.Invoke();
                }
            });
            return _job;
        }
    }

    private void Report(RewrapReport report)
    {
        Progress = report;
        Changed?.Invoke();
    }
}
