namespace MedCrypt.Domain.Transfer;

/// <summary>The "Transfer" section: this installation's name on its card, and how long the packages it sends and takes stay valid.</summary>
public sealed class TransferSettings
{
    /// <summary>The name other hospitals' administrators see on this installation's card.</summary>
    public string InstitutionName { get; set; } = "MedCrypt installation";

    /// <summary>How long a package this installation sends may be taken in.</summary>
    public TimeSpan PackageLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The longest validity this installation accepts on a package it takes in (a sender's clock or setting cannot make one live for ever).</summary>
    public TimeSpan MaxAcceptedLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How far ahead of this installation's clock a sender's may run.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);
}
