namespace MedCrypt.Portal.Pacs;

/// <summary>
/// The "Pacs" section: the Orthanc server to follow (its REST API), the account it is read with — the password from
/// the environment (Pacs__Password), never from a file in git — and how often it is asked for changes. Without a URL
/// the importer is off.
/// </summary>
public sealed class PacsOptions
{
    public Uri? Url { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between attempts while the PACS is unreachable (the wait doubles from the poll interval).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The protection scheme imported slices get.</summary>
    public string Scheme { get; set; } = Domain.Schemes.SchemeDirectory.DefaultSchemeId;

    /// <summary>
    /// Where a portal that has never followed this PACS starts: false (the default) at the feed's end, so connecting an
    /// installation to a hospital's PACS screens what arrives from then on, not years of archive; true at its beginning.
    /// </summary>
    public bool FromStart { get; set; }

    public bool Enabled => Url is not null;
}
