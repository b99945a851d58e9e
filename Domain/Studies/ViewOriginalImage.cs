using MedCrypt.Domain.Access;

namespace MedCrypt.Domain.Studies;

/// <summary>A study's original, decrypted, as PNG: doctors only; every attempt audited once.</summary>
public sealed class ViewOriginalImage(StudyAccess access, StudyImages images)
{
    public Task<byte[]> RunAsync(Actor actor, Guid id, CancellationToken cancellationToken) =>
        access.RunAsync(actor, Permission.ViewOriginal, "original.view", id, async (study, ct) => (await images.OriginalPngAsync(study, ct).ConfigureAwait(false), ""), cancellationToken);
}
