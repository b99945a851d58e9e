using System.Globalization;
using Microsoft.AspNetCore.Components.Web;

namespace MedCrypt.Portal.Components.Pages.Studies;

/// <summary>One zoom and pan shared by every <see cref="SynchronisedViewport"/> given it: zoom about the centre, then pan in screen pixels.</summary>
public sealed class ViewportState
{
    public const double MaxZoom = 8;

    private bool _dragging;
    private double _lastX;
    private double _lastY;

    public double Zoom { get; private set; } = 1;

    public double PanX { get; private set; }

    public double PanY { get; private set; }

    public string ViewportStyle => $"position:relative;overflow:hidden;touch-action:none;user-select:none;cursor:{(Zoom > 1 ? (_dragging ? "grabbing" : "grab") : "default")}";

    public string TransformStyle => string.Create(CultureInfo.InvariantCulture,
        $"position:relative;transform-origin:center center;transform:translate({PanX:0.#}px,{PanY:0.#}px) scale({Zoom:0.##})");

    public void ZoomTo(double zoom)
    {
        Zoom = Math.Clamp(zoom, 1, MaxZoom);
        if (Zoom == 1)
        {
            PanX = PanY = 0;
        }
    }

    public void Reset() => ZoomTo(1);

    public void StartDrag(PointerEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        _dragging = Zoom > 1 && e.Button == 0; // the left button pans; the right one is the original's window/level
        (_lastX, _lastY) = (e.ClientX, e.ClientY);
    }

    /// <returns>Whether the view moved.</returns>
    public bool Drag(PointerEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (!_dragging)
        {
            return false;
        }

        // Panning further than the zoomed image reaches would only show empty space.
        double reach = 400 * (Zoom - 1);
        PanX = Math.Clamp(PanX + e.ClientX - _lastX, -reach, reach);
        PanY = Math.Clamp(PanY + e.ClientY - _lastY, -reach, reach);
        (_lastX, _lastY) = (e.ClientX, e.ClientY);
        return true;
    }

    public void EndDrag() => _dragging = false;
}
