using MedCrypt.Domain.Access;

namespace MedCrypt.Domain.Failures;

/// <summary>The actor lacks the permission (403). Thrown by <see cref="AccessGuard"/>, after the denial is audited.</summary>
public sealed class AccessDeniedException(Permission permission, string message) : DomainException(message)
{
    public Permission Permission { get; } = permission;
}
