using System.Security.Claims;
using MedCrypt.Crypto.Metrics;
using MedCrypt.Domain.Studies;
using MedCrypt.Portal.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>The study use cases as a test calls them: as a signed-in principal, converted the way pages and endpoints convert it.</summary>
internal sealed class StudyClient(IServiceProvider services)
{
    public Task<StudyDetails> AnalyseAsync(ClaimsPrincipal user, string fileName, byte[] upload, string scheme, CancellationToken ct) =>
        services.GetRequiredService<AnalyseStudy>().RunAsync(user.ToActor(), fileName, upload, scheme, ct);

    /// <summary>The stored study, read past the use case (unaudited), to check what was stored.</summary>
    public Task<StudyDetails?> FindAsync(Guid id, CancellationToken ct) => services.GetRequiredService<IStudyStore>().FindAsync(id, ct);

    public Task<StudyDetails> OpenAsync(ClaimsPrincipal user, Guid id, CancellationToken ct) =>
        services.GetRequiredService<OpenStudy>().RunAsync(user.ToActor(), id, ct);

    public Task<byte[]> OpenOriginalAsync(ClaimsPrincipal user, Guid id, CancellationToken ct) =>
        services.GetRequiredService<ViewOriginalImage>().RunAsync(user.ToActor(), id, ct);

    public Task<byte[]> OpenProtectedAsync(ClaimsPrincipal user, Guid id, CancellationToken ct) =>
        services.GetRequiredService<ViewProtectedImage>().RunAsync(user.ToActor(), id, ct);

    public Task<Explanation> ExplainAsync(ClaimsPrincipal user, Guid id, string? model, CancellationToken ct) =>
        services.GetRequiredService<ExplainStudy>().RunAsync(user.ToActor(), id, model, ct);

    public Task<SecurityReport> MeasureAsync(ClaimsPrincipal user, Guid id, CancellationToken ct) =>
        services.GetRequiredService<MeasureStudy>().RunAsync(user.ToActor(), id, ct);
}
