using MedCrypt.Crypto.Images;

namespace MedCrypt.Domain.Imaging.Dicom;

/// <summary>
/// A decoded DICOM upload: the frame MedCrypt screens as Gray8, the whitelisted metadata, and the patient's key
/// (PatientID^IssuerOfPatientID, which only <see cref="PatientPseudonym"/> may see: it is never stored or logged).
/// </summary>
public sealed record DicomImage(PixelImage Pixels, DicomMetadata Metadata, int Frame, string? PatientKey);
