namespace LegalBot.Service.Endpoints;

/// <summary>
/// The staff desk and API carry personal data: no framing (clickjacking), scripts and styles from this origin
/// only, nothing cached by browsers or proxies, no referrer leaking case references.
/// </summary>
public static class StaffSecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    public static IApplicationBuilder UseStaffSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path;
        // The desk's files are all named staff*.html/js/css (one script per page), and its libraries live under /staff-lib.
        if (path.StartsWithSegments("/api/staff") || IsDeskFile(path.Value))
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XFrameOptions = "DENY";
            headers.CacheControl = "no-store";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
        }
        await next(context);
    });

    private static bool IsDeskFile(string? path) =>
        path is not null && path.StartsWith("/staff", StringComparison.OrdinalIgnoreCase);
}
