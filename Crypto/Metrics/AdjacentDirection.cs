namespace MedCrypt.Crypto.Metrics;

/// <summary>Which neighbour a pixel is paired with for the adjacent-pixel correlation.</summary>
public enum AdjacentDirection
{
    Horizontal,
    Vertical,
    Diagonal,
}
