using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using MedCrypt.Domain.Studies;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// An upload is a patient's image, DICOM header and all: the portal reads it in memory and never spools it to a temp
/// file in the clear (ASP.NET's default for a form part over 64 KB), which a crash or a kill would leave on the disk.
/// </summary>
public sealed class UploadSpoolTests
{
    /// <summary>ASP.NET's spool folder for this test assembly (ASPNETCORE_TEMP, read once per process): only it writes there.</summary>
    private static readonly string SpoolFolder = Directory.CreateTempSubdirectory("medcrypt-aspnet-spool-").FullName;

    [ModuleInitializer]
    internal static void UseOwnSpoolFolder() => Environment.SetEnvironmentVariable("ASPNETCORE_TEMP", SpoolFolder);

    [Fact]
    public async Task A_large_upload_is_never_written_to_a_temp_file()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        var spooled = new ConcurrentBag<string>();
        using var watcher = new FileSystemWatcher(SpoolFolder) { EnableRaisingEvents = true };
        watcher.Created += (_, e) => spooled.Add(e.Name ?? e.FullPath);

        // Three parts of 3 MB (a large DICOM slice each); what they hold does not matter, they are read before they are judged.
        var form = new MultipartFormDataContent { { new StringContent("pixel-shuffle"), "scheme" } };
        for (int i = 0; i < 3; i++)
        {
            var bytes = new byte[3 * 1024 * 1024];
            new Random(i).NextBytes(bytes);
            form.Add(new ByteArrayContent(bytes), "file", $"slice-{i}.dcm");
        }

        HttpResponseMessage response = await staff.PostAsync("/api/v1/studies", form, ct);
        Assert.InRange((int)response.StatusCode, 400, 499);
        await Task.Delay(500, ct); // inotify reports a create at once; this covers the watcher's own thread
        Assert.True(spooled.IsEmpty, $"the upload was spooled to {string.Join(", ", spooled)} in {SpoolFolder}");
        Assert.True(AnalyseStudy.MaxUploadBytes > 3 * 1024 * 1024);
    }
}
