using MedCrypt.Domain.Imaging.Dicom;

namespace MedCrypt.Domain.Studies;

/// <summary>
/// What a study keeps of a DICOM upload's header: the patient's pseudonym (to group one patient's studies) and the
/// clinically needed whitelist; nothing that names the patient, the hospital or the staff.
/// </summary>
public sealed record DicomStudyInfo(string PatientPseudonym, DicomMetadata Metadata);
