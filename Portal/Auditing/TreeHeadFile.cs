using MedCrypt.Domain.Auditing;

namespace MedCrypt.Portal.Auditing;

/// <summary>The heads file: read line by line; written only by appending one complete line at a time (opened for append, flushed to disk).</summary>
public static class TreeHeadFile
{
    public static List<PublishedHead> Read(string path) =>
        File.Exists(path) ? [.. PublishedHead.Parse(File.ReadLines(path))] : [];

    public static void Append(string path, SignedTreeHead head)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        byte[] line = System.Text.Encoding.UTF8.GetBytes(TreeHeadJson.Write(head) + "\n");
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(line);
        stream.Flush(flushToDisk: true);
    }
}
