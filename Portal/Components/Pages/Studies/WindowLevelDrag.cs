using Microsoft.AspNetCore.Components.Web;

namespace MedCrypt.Portal.Components.Pages.Studies;

/// <summary>
/// Window and level set by dragging over the original, as a radiologist's viewer does: the right button always, the
/// left one too while the window/level tool is chosen (else the left button pans). Dragging right widens the window,
/// dragging up raises the level, one screen pixel one grey level of the stored 8-bit image.
/// </summary>
public sealed class WindowLevelDrag
{
    public const int MinWindow = 8;
    public const int MaxGrey = 255;

    private const int RightButton = 2;
    private bool _dragging;
    private double _lastX;
    private double _lastY;

    /// <summary>A window of at least <see cref="MinWindow"/> grey levels (narrower shows nothing but noise) and a level within the stored range.</summary>
    public static (int Window, int Level) Clamp(int window, int level) => (Math.Clamp(window, MinWindow, MaxGrey), Math.Clamp(level, 0, MaxGrey));

    /// <param name="tool">Whether the left button sets window and level instead of panning.</param>
    public void Start(PointerEventArgs e, bool tool)
    {
        ArgumentNullException.ThrowIfNull(e);
        _dragging = e.Button == RightButton || (tool && e.Button == 0);
        (_lastX, _lastY) = (e.ClientX, e.ClientY);
    }

    /// <returns>The new window and level, or null when no window/level drag is under way or it did not move a whole grey level.</returns>
    public (int Window, int Level)? Move(PointerEventArgs e, int window, int level)
    {
        ArgumentNullException.ThrowIfNull(e);
        int dx = (int)Math.Round(e.ClientX - _lastX), dy = (int)Math.Round(e.ClientY - _lastY);
        if (!_dragging || (dx == 0 && dy == 0))
        {
            return null;
        }

        (_lastX, _lastY) = (_lastX + dx, _lastY + dy);
        (int Window, int Level) next = Clamp(window + dx, level - dy); // screen y grows downwards
        return next == (window, level) ? null : next;
    }

    public void End() => _dragging = false;
}
