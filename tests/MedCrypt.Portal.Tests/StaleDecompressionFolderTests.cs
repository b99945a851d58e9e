namespace MedCrypt.Portal.Tests;

/// <summary>
/// A portal killed while gdcmconv ran leaves a folder holding the whole compressed DICOM file, header and all: the next
/// start deletes it, without waiting for another compressed upload, and leaves a younger one (another process's, in use).
/// </summary>
public sealed class StaleDecompressionFolderTests
{
    [Fact]
    public async Task A_start_sweeps_what_a_killed_portal_left_and_spares_a_folder_in_use()
    {
        string stale = Directory.CreateTempSubdirectory("medcrypt-dicom-").FullName, fresh = Directory.CreateTempSubdirectory("medcrypt-dicom-").FullName;
        await File.WriteAllBytesAsync(Path.Combine(stale, "in.dcm"), TestDicom.Head("Doe^Jane", "MRN-1"), TestContext.Current.CancellationToken);
        Directory.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-1));
        try
        {
            using PortalFactory factory = PortalFactory.Create("Sqlite");
            using HttpClient client = factory.CreateClient(); // starts the host: Program runs

            Assert.False(Directory.Exists(stale), "a killed portal's decompression folder survived the start");
            Assert.True(Directory.Exists(fresh), "a folder under 10 minutes old may be another portal's, in use");
        }
        finally
        {
            foreach (string folder in new[] { stale, fresh }.Where(Directory.Exists))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
