namespace MedCrypt.Domain.Imaging;

/// <summary>An upload that is not an image MedCrypt can take; the message says why, in words a person understands.</summary>
public sealed class ImageRejectedException(string message, Exception? innerException = null) : Exception(message, innerException);
