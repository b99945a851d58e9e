namespace MedCrypt.Portal.Data;

/// <summary>A series taken in from the PACS, once: a keyed hash of its SeriesInstanceUID (the key) and the series it became.</summary>
public sealed class PacsImportRecord
{
    public required string Key { get; set; }

    public Guid SeriesId { get; set; }

    public DateTimeOffset ImportedAt { get; set; }
}
