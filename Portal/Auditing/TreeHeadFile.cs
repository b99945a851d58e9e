using MedCrypt.Domain.Auditing;

namespace MedCrypt.Portal.Auditing;

/// <summary>
/// The heads file: read line by line; written only by appending one complete line at a time (opened for append,
/// flushed to disk). It is made, empty, with the signing key, so a missing file means it was deleted or moved —
/// never "nothing published yet", which would let a rewritten log be signed from scratch.
/// </summary>
public static class TreeHeadFile
{
    /// <exception cref="FileNotFoundException">There is no heads file at <paramref name="path"/>.</exception>
    public static List<PublishedHead> Read(string path) =>
        File.Exists(path) ? [.. PublishedHead.Parse(File.ReadLines(path))]
            : throw new FileNotFoundException($"there is no heads file at {path}: it was deleted or moved (it is made with the signing key). Restore it from its copy", path);

    /// <summary>An empty heads file, unless one is there; with a new signing key.</summary>
    public static void Create(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
    }

    public static void Append(string path, SignedTreeHead head)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        byte[] line = System.Text.Encoding.UTF8.GetBytes(TreeHeadJson.Write(head) + "\n");
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(line);
        stream.Flush(flushToDisk: true);
    }
}
