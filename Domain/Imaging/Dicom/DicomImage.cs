using MedCrypt.Crypto.Images;

namespace MedCrypt.Domain.Imaging.Dicom;

/// <summary>
/// A decoded DICOM upload: every frame as Gray8 in the file's order (one for most files; a slice each for an enhanced
/// multi-frame MR, which is a whole series in one file), the whitelisted metadata, and the patient's key
/// (PatientID^IssuerOfPatientID, which only <see cref="PatientPseudonym"/> may see: it is never stored or logged).
/// </summary>
/// <param name="Mosaic">The header says several slices are tiled in one image, which no model reads as one slice:
/// ImageType MOSAIC (Siemens) or VFRAME (United Imaging), in any case, or Siemens' NumberOfImagesInMosaic.</param>
/// <param name="NamesModality">The header names a modality (the metadata says OT when it names none).</param>
public sealed record DicomImage(IReadOnlyList<PixelImage> Frames, DicomMetadata Metadata, string? PatientKey, bool Mosaic = false, bool NamesModality = true);
