namespace MedCrypt.Domain.Studies;

/// <summary>One file of a series as it was sent: its name (never kept for DICOM) and its bytes.</summary>
public sealed record SliceUpload(string FileName, ReadOnlyMemory<byte> Bytes);
