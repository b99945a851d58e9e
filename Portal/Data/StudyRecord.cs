namespace MedCrypt.Portal.Data;

/// <summary>An analysed scan: its protected image and its original, each only as an AES-256-GCM envelope bound to the study, and its predictions.</summary>
public sealed class StudyRecord
{
    public Guid Id { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string UploadedBy { get; set; }

    /// <summary>The uploaded file's name, reduced to a safe display name.</summary>
    public required string FileName { get; set; }

    public required string SchemeId { get; set; }

    /// <summary>The key-store id of the scheme key (empty for keyless filters).</summary>
    public required string SchemeKeyId { get; set; }

    public required byte[] ProtectedNonce { get; set; }

    /// <summary>The protected image's PNG, sealed; the associated data names the study, the scheme and <see cref="ProtectedNonce"/>.</summary>
    public required byte[] SealedProtected { get; set; }

    public required byte[] SealedOriginal { get; set; }

    public int OriginalWidth { get; set; }

    public int OriginalHeight { get; set; }

    public bool DecryptedForInference { get; set; }

    /// <summary>A DICOM upload's patient pseudonym (HMAC of PatientID^Issuer, hex); null for PNG and JPEG.</summary>
    public string? PatientPseudonym { get; set; }

    /// <summary>A DICOM upload's whitelisted header values (DicomMetadata) as JSON; null for PNG and JPEG.</summary>
    public string? DicomMetadata { get; set; }

    /// <summary>The series the study is a slice of, its place in it (1-based) and the series' size; null for a single upload.</summary>
    public Guid? SeriesId { get; set; }

    public int? SliceIndex { get; set; }

    public int? SliceCount { get; set; }

    public List<PredictionRecord> Predictions { get; set; } = [];
}

/// <summary>One model's (or the ensemble's) reading of a study.</summary>
public sealed class PredictionRecord
{
    public long Id { get; set; }

    public Guid StudyId { get; set; }

    public required string Model { get; set; }

    public required string Label { get; set; }

    public double TumorProbability { get; set; }

    /// <summary>The model's own tumor decision at its operating point when the study was analysed; never re-derived.</summary>
    public bool Tumor { get; set; }

    /// <summary>The operating point that decision was taken at (the manifest's, then): an auditor tells one from another after the models change. Null for predictions stored before it was recorded.</summary>
    public double? TumorThreshold { get; set; }

    /// <summary>Class → probability, as JSON.</summary>
    public required string Probabilities { get; set; }

    public double LatencyMilliseconds { get; set; }

    public required string Device { get; set; }
}
