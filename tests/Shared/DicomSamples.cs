namespace MedCrypt.Testing;

/// <summary>The DICOM samples at ../shared/datasets/dicom-samples (series/ and edge/, see its README); read in place, never copied.</summary>
public static class DicomSamples
{
    public static string Folder => System.IO.Path.GetFullPath(System.IO.Path.Combine(RepositoryRoot.Path, "..", "shared", "datasets", "dicom-samples"));

    public static bool Present => Directory.Exists(Folder);

    public static string SkipReason => $"The DICOM samples are not at {Folder}: this test needs ../shared/datasets/dicom-samples.";

    /// <summary>Every Part 10 file under series/ and edge/ (by the preamble and 'DICM', not by name), in a stable order.</summary>
    public static IReadOnlyList<string> Files() =>
        [.. new[] { "series", "edge" }
            .SelectMany(d => Directory.EnumerateFiles(System.IO.Path.Combine(Folder, d), "*", SearchOption.AllDirectories))
            .Where(IsPart10)
            .Order(StringComparer.Ordinal)];

    public static string Relative(string path) => System.IO.Path.GetRelativePath(Folder, path);

    private static bool IsPart10(string path)
    {
        using FileStream stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[132];
        return stream.Length >= 132 && stream.ReadAtLeast(head, 132, throwOnEndOfStream: false) == 132 && head[128..].SequenceEqual("DICM"u8);
    }
}
