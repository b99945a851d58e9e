namespace MedCrypt.Domain.Transfer;

/// <summary>A package ready to hand over (a download, a file share, a message to the other hospital).</summary>
public sealed record SentPackage(Guid PackageId, string FileName, byte[] Bytes);
