namespace MedCrypt.Domain.Studies;

/// <summary>
/// One slice of a series read, for a page's progress: the file it came from (0-based, in the order sent; a
/// multi-frame file gives several slices), and whether it was screened (false: the brain-slice gate stopped it).
/// </summary>
public readonly record struct SliceRead(int File, bool Screened);
