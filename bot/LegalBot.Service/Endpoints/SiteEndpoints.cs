using LegalBot.Service.Hosting;
using Microsoft.AspNetCore.StaticFiles;

namespace LegalBot.Service.Endpoints;

/// <summary>
/// The county's settings for the web page (<c>knowledge/site.md</c>): <c>GET /api/site</c> gives the title, names,
/// hotline and colours app.js applies; <c>GET /api/site/logo</c> serves the logo file the settings name.
/// </summary>
public static class SiteEndpoints
{
    public static void MapSite(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/site", (KnowledgeHost host) =>
        {
            var site = host.Site;
            return Results.Json(new
            {
                assistant = site.AssistantName, county = site.County, title = site.PageTitle, tagline = site.Tagline,
                hotline = site.Hotline, emergency = site.Emergency, primaryColour = site.PrimaryColour, backgroundColour = site.BackgroundColour,
                avatar = site.Avatar, logo = site.Logo is null ? null : "/api/site/logo", demo = site.Demo,
            });
        });
        app.MapGet("/api/site/logo", (KnowledgeHost host) =>
        {
            var path = host.Site.LogoPath(host.Folder);
            if (path is null || !File.Exists(path)) return Results.NotFound();
            new FileExtensionContentTypeProvider().TryGetContentType(path, out var type);
            return Results.File(path, type ?? "application/octet-stream");
        });
    }
}
