using Microsoft.Extensions.FileProviders;

namespace Transactions.Coordinator.Dashboard;

/// <summary>
/// The operations dashboard: static files (HTML, CSS, ES modules, no build step) under <c>wwwroot/dashboard</c>, served
/// at <c>/dashboard/</c>. The files hold no data, so they are anonymous; the page calls the API with the key its user
/// enters, and the API's own policies decide what that key may read or do.
/// </summary>
public static class DashboardRegistration
{
    public const string Path = "/dashboard";

    // The page builds its DOM from text nodes only; this policy also stops any injected script or foreign origin.
    const string ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>Serves the dashboard; call it before <c>UseSecurity</c>, so the fallback reader policy does not apply.</summary>
    public static WebApplication UseDashboard(this WebApplication app)
    {
        var folder = System.IO.Path.Combine(app.Environment.ContentRootPath, "wwwroot", "dashboard");
        if (!Directory.Exists(folder))
        {
            app.Logger.LogWarning("No dashboard files at {Folder}; {Path}/ is not served", folder, Path);
            return app;
        }

        var files = new PhysicalFileProvider(folder);
        app.UseDefaultFiles(new DefaultFilesOptions { RequestPath = Path, FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = Path,
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                // Revalidated on every load, so a new version of the dashboard is never mixed with cached modules.
                headers.CacheControl = "no-cache";
            },
        });
        app.MapGet("/", () => Results.Redirect(Path + "/")).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
