using MedCrypt.Domain.Studies;

namespace MedCrypt.Domain.Pacs;

/// <summary>
/// What became of a series from the PACS: the series as filed here (null when refused), the text of the report written
/// back into the PACS study, and that report's series and SOP Instance UIDs — derived from the series, so a report
/// written again (after a crash, a rewound feed) is the same instance, not a second one.
/// </summary>
public sealed record PacsImport(SeriesDetails? Series, bool AlreadyImported, string? Refusal, string ReportText, string ReportSeriesUid, string ReportInstanceUid);
