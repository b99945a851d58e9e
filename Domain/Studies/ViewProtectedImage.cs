using MedCrypt.Domain.Access;

namespace MedCrypt.Domain.Studies;

/// <summary>A study's protected image as PNG, for those who work with images (not auditors); every attempt audited once.</summary>
public sealed class ViewProtectedImage(StudyAccess access, StudyImages images)
{
    public Task<byte[]> RunAsync(Actor actor, Guid id, CancellationToken cancellationToken) =>
        access.RunAsync(actor, Permission.ViewProtected, "protected.view", id, async (study, ct) => (await images.ProtectedPngAsync(study, ct).ConfigureAwait(false), ""), cancellationToken);
}
