using MedCrypt.Crypto.Envelope;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;

namespace MedCrypt.Domain.Studies;

/// <summary>
/// Every access to one study's data goes through here, and is exactly one audit entry whatever its end: denied (by
/// <see cref="AccessGuard"/>), no such study, a stored image that does not open, refused on its merits, or done.
/// </summary>
public sealed class StudyAccess(AccessGuard guard, IStudyStore store, AuditLog audit)
{
    /// <param name="work">Given the sealed study, returns the result and the audit entry's detail; may throw a <see cref="DomainException"/>.</param>
    public async Task<T> RunAsync<T>(
        Actor actor, Permission permission, string action, Guid id, Func<SealedStudy, CancellationToken, Task<(T Result, string Detail)>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(work);
        string subject = Subject(id);
        await guard.DemandAsync(actor, permission, action, subject, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (await store.FindSealedAsync(id, cancellationToken).ConfigureAwait(false) is not { } study)
        {
            await audit.RecordAsync(actor.Name, action, subject, AuditOutcome.Failed, "no such study", cancellationToken).ConfigureAwait(false);
            throw new NotFoundException($"There is no study {id}.");
        }

        (T result, string detail) = await AttemptAsync(actor, action, subject, () => work(study, cancellationToken), cancellationToken).ConfigureAwait(false);
        await audit.RecordAsync(actor.Name, action, subject, AuditOutcome.Succeeded, detail, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public static string Subject(Guid id) => $"study/{id:D}";

    private async Task<(T, string)> AttemptAsync<T>(Actor actor, string action, string subject, Func<Task<(T, string)>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (AccessDeniedException e)
        {
            await audit.RecordAsync(actor.Name, action, subject, AuditOutcome.Denied, e.Message, cancellationToken).ConfigureAwait(false);
            throw;
        }
        catch (DomainException e)
        {
            await audit.RecordAsync(actor.Name, action, subject, AuditOutcome.Failed, e.Message, cancellationToken).ConfigureAwait(false);
            throw;
        }
        catch (Exception e) when (e is EnvelopeException or KeyNotFoundException)
        {
            await audit.RecordAsync(actor.Name, action, subject, AuditOutcome.Failed, e.Message, cancellationToken).ConfigureAwait(false);
            throw new ConflictException(
                "The stored image does not verify: it was altered, or its nonce, scheme or key changed. It is not shown.", e);
        }
    }
}
