using MedCrypt.Domain.Failures;
using MedCrypt.Portal.Data;

namespace MedCrypt.Portal.Errors;

/// <summary>
/// What a page shows for a failed use case: a domain failure as it is, a database that is away as the same words the
/// API's problem handler answers (<see cref="DatabaseOutage.Message"/>); anything else is a bug and is not caught.
/// Without it an outage reached a page as an Npgsql exception no page caught, and ended the user's circuit.
/// </summary>
public static class PageFailure
{
    public static DomainException? Of(Exception exception) => exception switch
    {
        DomainException failure => failure,
        _ when DatabaseOutage.Caused(exception) => new ServiceUnavailableException(DatabaseOutage.Message),
        _ => null,
    };
}
