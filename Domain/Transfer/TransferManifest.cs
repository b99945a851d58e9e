using MedCrypt.Domain.Imaging.Dicom;

namespace MedCrypt.Domain.Transfer;

/// <summary>The study as the sender knew it: its id there, display name, who sent it, the sender's patient pseudonym and the DICOM header values it kept.</summary>
public sealed record TransferManifest(Guid SourceStudy, string FileName, string SentBy, string? PatientPseudonym, DicomMetadata? Dicom);
