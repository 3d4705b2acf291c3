namespace HealthServerless.LocalHost.Http;

/// <summary>
/// The Function App's CORS rule on one machine. On Azure the platform answers preflights and
/// adds the CORS headers before a request reaches the worker (siteConfig.cors in
/// infra/bicep/modules/functionApp.bicep, from the corsAllowedOrigins parameter), so the app has
/// no CORS code; this host does the same from <see cref="LocalHostOptions.Cors"/>: the listed
/// origins get any method and any request header (the bearer token, Idempotency-Key), without
/// credentials, and any other origin gets no CORS header at all.
/// </summary>
internal static class PortalCors
{
    private const string Policy = "portals";

    public static void AddPortalCors(this IServiceCollection services, LocalHostOptions options) =>
        services.AddCors(cors => cors.AddPolicy(Policy, policy => policy
            .WithOrigins([.. options.Cors.AllowedOrigins])
            .AllowAnyMethod()
            .AllowAnyHeader()));

    /// <summary>Before the function endpoints, as the platform is before the worker.</summary>
    public static void UsePortalCors(this WebApplication app, LocalHostOptions options)
    {
        if (options.Cors.AllowedOrigins.Count > 0)
        {
            app.UseCors(Policy);
        }
    }
}
