using System.Runtime.Versioning;
using MedCrypt.Portal.Extensions;
using Microsoft.Data.Sqlite;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// The embedded database's folder is its owner's alone: SQLite makes the database, its WAL and shared memory 0644,
/// so without it every local account reads file names, verdicts, pseudonyms and the audit log (an outside review).
/// </summary>
public sealed class EmbeddedDatabaseFolderTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly string _root = Directory.CreateTempSubdirectory("medcrypt-app-data-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void The_folder_is_made_owner_only_and_an_open_one_from_an_earlier_version_is_closed()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes only.");
        string folder = PortalDataExtensions.AppDataFolder(_root);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(folder));
        using (var db = new SqliteConnection($"Data Source={Path.Combine(folder, "medcrypt.db")};Pooling=False"))
        {
            db.Open();
            using SqliteCommand create = db.CreateCommand();
            create.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1);";
            create.ExecuteNonQuery();
        }

        File.SetUnixFileMode(folder, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        Assert.Equal(folder, PortalDataExtensions.AppDataFolder(_root));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(folder));
        Assert.True(File.Exists(Path.Combine(folder, "medcrypt.db")));
    }
}
