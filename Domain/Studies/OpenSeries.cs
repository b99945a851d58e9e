using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;

namespace MedCrypt.Domain.Studies;

/// <summary>Open a series: its slices' details and predictions and its verdict, no image. One audit entry per opening, whatever its end.</summary>
public sealed class OpenSeries(AccessGuard guard, IStudyStore store, AuditLog audit)
{
    /// <exception cref="AccessDeniedException">The actor may not open studies.</exception>
    /// <exception cref="NotFoundException">No such series.</exception>
    public async Task<SeriesDetails> RunAsync(Actor actor, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        string subject = AnalyseStudy.SeriesSubject(id);
        await guard.DemandAsync(actor, Permission.ViewProtected, "series.open", subject, cancellationToken: cancellationToken).ConfigureAwait(false);
        IReadOnlyList<StudyDetails> slices = await store.SeriesAsync(id, cancellationToken).ConfigureAwait(false);
        var series = slices.Count == 0 ? null : new SeriesDetails(id, slices);
        await audit.RecordAsync(actor.Name, "series.open", subject, series is null ? AuditOutcome.Failed : AuditOutcome.Succeeded,
            series?.Describe() ?? "no such series", cancellationToken).ConfigureAwait(false);
        return series ?? throw new NotFoundException($"There is no series {id}.");
    }
}
