namespace MedCrypt.Portal.Data;

/// <summary>How far the importer has followed the PACS's change feed (one row): it resumes after this change.</summary>
public sealed class PacsCursorRecord
{
    public int Id { get; set; }

    /// <summary>The PACS the cursor belongs to (its URL): another PACS starts from its beginning.</summary>
    public required string Source { get; set; }

    public long LastChange { get; set; }
}
