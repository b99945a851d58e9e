using System.Security.Claims;
using MedCrypt.Crypto.Metrics;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Studies;
using MedCrypt.Portal.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>The study use cases as a test calls them: as a signed-in principal, converted the way pages and endpoints convert it.</summary>
internal sealed class StudyClient(IServiceProvider services)
{
    /// <summary>
    /// The principal as the Domain sees it; a test principal names its account by email only, so its id is looked up,
    /// as the sign-in would have put it there (the original's check at use asks the account by id).
    /// </summary>
    public async Task<Actor> ActorAsync(ClaimsPrincipal user)
    {
        Actor actor = user.ToActor();
        if (actor.Id.Length > 0 || actor.Name == Actor.Anonymous.Name)
        {
            return actor;
        }

        using IServiceScope scope = services.CreateScope();
        IdentityUser? account = await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByEmailAsync(actor.Name);
        return account is null ? actor : actor with { Id = account.Id };
    }

    public async Task<StudyDetails> AnalyseAsync(ClaimsPrincipal user, string fileName, byte[] upload, string scheme, CancellationToken ct) =>
        await services.GetRequiredService<AnalyseStudy>().RunAsync(await ActorAsync(user), fileName, upload, scheme, ct);

    public async Task<SeriesDetails> AnalyseSeriesAsync(ClaimsPrincipal user, IReadOnlyList<SliceUpload> slices, string scheme, CancellationToken ct) =>
        await services.GetRequiredService<AnalyseStudy>().RunSeriesAsync(await ActorAsync(user), slices, scheme, ct);

    /// <summary>The stored study, read past the use case (unaudited), to check what was stored.</summary>
    public Task<StudyDetails?> FindAsync(Guid id, CancellationToken ct) => services.GetRequiredService<IStudyStore>().FindAsync(id, ct);

    public async Task<StudyDetails> OpenAsync(ClaimsPrincipal user, Guid id, CancellationToken ct) =>
        await services.GetRequiredService<OpenStudy>().RunAsync(await ActorAsync(user), id, ct);

    public async Task<byte[]> OpenOriginalAsync(ClaimsPrincipal user, Guid id, CancellationToken ct) =>
        await services.GetRequiredService<ViewOriginalImage>().RunAsync(await ActorAsync(user), id, ct);

    public async Task<byte[]> OpenProtectedAsync(ClaimsPrincipal user, Guid id, CancellationToken ct) =>
        await services.GetRequiredService<ViewProtectedImage>().RunAsync(await ActorAsync(user), id, ct);

    public async Task<Explanation> ExplainAsync(ClaimsPrincipal user, Guid id, string? model, CancellationToken ct) =>
        await services.GetRequiredService<ExplainStudy>().RunAsync(await ActorAsync(user), id, model, ct);

    public async Task<SecurityReport> MeasureAsync(ClaimsPrincipal user, Guid id, CancellationToken ct) =>
        await services.GetRequiredService<MeasureStudy>().RunAsync(await ActorAsync(user), id, ct);
}
