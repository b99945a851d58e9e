using Microsoft.AspNetCore.StaticAssets;

namespace MedCrypt.Portal.Extensions;

/// <summary>
/// The headers every response carries: a Content-Security-Policy, nosniff, no referrer, no framing, and no-store on
/// everything but the framework's static files. Set as the response starts, so they replace what an endpoint set
/// (the Blazor endpoints add their own "frame-ancestors 'self'").
/// </summary>
public static class SecurityHeadersExtensions
{
    /// <summary>
    /// What Blazor Server and MudBlazor need, found in Chromium (the end-to-end CspScenarioTests fail on any violation):
    /// scripts only from the portal (blazor.web.js, MudBlazor.min.js; App.razor renders no inline import map); the
    /// circuit's WebSocket is same-origin, which 'self' covers in CSP Level 3. Styles need 'unsafe-inline':
    /// MudBlazor writes its theme as a &lt;style&gt; element and both it and the pages set style attributes (zoom
    /// and pan in the viewer), which neither hashes nor nonces can allow; CSS cannot run script. Images are 'self' and
    /// data: (the viewer shows images as data: URLs). Nothing else: no plugins, no framing, no foreign form targets or base.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static void UseSecurityHeaders(this WebApplication app) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                IHeaderDictionary headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.XFrameOptions = "DENY"; // frame-ancestors for browsers that predate it
                if (context.GetEndpoint()?.Metadata.GetMetadata<StaticAssetDescriptor>() is null)
                {
                    // Pages, API answers, images, CSV exports, errors: all may carry patient data, so no cache (browser,
                    // proxy or shared workstation) keeps a copy. Only the static files (scripts, styles, no patient data)
                    // keep the caching MapStaticAssets gives them.
                    headers.CacheControl = "no-store";
                    headers.Pragma = "no-cache";
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
}
