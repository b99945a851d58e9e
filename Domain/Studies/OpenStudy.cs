using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;

namespace MedCrypt.Domain.Studies;

/// <summary>Open a study: its details and predictions, no image. One audit entry per opening, whatever its end.</summary>
public sealed class OpenStudy(AccessGuard guard, IStudyStore store, AuditLog audit)
{
    /// <exception cref="AccessDeniedException">The actor may not open studies (auditors see the history instead).</exception>
    /// <exception cref="NotFoundException">No such study.</exception>
    public async Task<StudyDetails> RunAsync(Actor actor, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        string subject = StudyAccess.Subject(id);
        await guard.DemandAsync(actor, Permission.ViewProtected, "study.open", subject, cancellationToken: cancellationToken).ConfigureAwait(false);
        StudyDetails? study = await store.FindAsync(id, cancellationToken).ConfigureAwait(false);
        await audit.RecordAsync(actor.Name, "study.open", subject, study is null ? AuditOutcome.Failed : AuditOutcome.Succeeded,
            study is null ? "no such study" : "", cancellationToken).ConfigureAwait(false);
        return study ?? throw new NotFoundException($"There is no study {id}.");
    }
}
