namespace MedCrypt.Testing;

/// <summary>The checkout's root (the folder holding MedCrypt.Portal.sln) above the running binaries; shared by the test and bench projects.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "MedCrypt.Portal.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No MedCrypt checkout above {AppContext.BaseDirectory}.");
    }
}
