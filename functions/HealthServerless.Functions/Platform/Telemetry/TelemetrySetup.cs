using System.Diagnostics;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using HealthServerless.Core.Storage;
using HealthServerless.Core.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace HealthServerless.Functions.Platform.Telemetry;

/// <summary>
/// The app's OpenTelemetry, the same under the Functions host and the local host
/// (docs/operations.md, Telemetry): Azure Monitor when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>
/// is set, OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and nothing at all otherwise.
/// </summary>
public static class TelemetrySetup
{
    public const string AzureMonitorSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>Set by infra/bicep to <c>Authorization=AAD;ClientId=…</c>: Application Insights takes no key, only the managed identity.</summary>
    public const string AzureMonitorAuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The Functions worker's own invocation spans ("function {name}"); the local host starts them under the same name.</summary>
    public const string WorkerSourceName = "Microsoft.Azure.Functions.Worker";

    /// <summary>
    /// Call after <see cref="CompositionRoot.AddHealthServerless"/> (it wraps the store that one
    /// registers). <paramref name="export"/> adds exporters of the caller's own (tests: in memory);
    /// with one, telemetry is collected even when no setting asks for it.
    /// </summary>
    public static IServiceCollection AddHealthTelemetry(this IServiceCollection services, IConfiguration configuration, Action<IOpenTelemetryBuilder>? export = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        TracedDocumentStore.Decorate(services);

        var azureMonitor = configuration[AzureMonitorSetting];
        var otlp = configuration[OtlpEndpointSetting];
        if (string.IsNullOrWhiteSpace(azureMonitor) && string.IsNullOrWhiteSpace(otlp) && export is null)
        {
            return services;
        }

        // The Azure SDK clients (Blob, Queue, Service Bus, Cosmos DB) trace through ActivitySources only when asked.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        var otel = services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing => tracing
                .AddSource(WorkerSourceName, TracedDocumentStore.SourceName, "Azure.*")
                .AddProcessor(new UnrootedSpanFilter())
                .AddAspNetCoreInstrumentation(http =>
                {
                    http.Filter = context => !IsGrpc(context.Request.ContentType);
                    http.EnrichWithHttpResponse = (activity, response) => PathAsRoute(activity, response.HttpContext);
                })
                .AddHttpClientInstrumentation(http =>
                {
                    // Azure SDK calls have their own spans; gRPC to the durable backend is plumbing.
                    // (The filter runs once the call's own activity is current: its parent is the caller.)
                    http.FilterHttpRequestMessage = request =>
                        Activity.Current?.Parent?.Source.Name.StartsWith("Azure.", StringComparison.Ordinal) != true && !IsGrpc(request.Content?.Headers.ContentType?.MediaType);
                    http.EnrichWithHttpRequestMessage = (activity, request) => HostOnly(activity, request.RequestUri);
                }))
            .WithMetrics(metrics => metrics
                .AddMeter(CoreMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation())
            .WithLogging();

        if (!string.IsNullOrWhiteSpace(azureMonitor))
        {
            var clientId = ManagedIdentityClientId(configuration[AzureMonitorAuthenticationSetting]);
            otel.UseAzureMonitorExporter(monitor =>
            {
                monitor.ConnectionString = azureMonitor;
                if (clientId is not null)
                {
                    monitor.Credential = new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
                }
            });
        }

        if (!string.IsNullOrWhiteSpace(otlp))
        {
            // Reads OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL and _HEADERS from configuration itself.
            otel.UseOtlpExporter();
        }

        export?.Invoke(otel);
        return services;
    }

    /// <summary>The client id in <c>Authorization=AAD;ClientId=…</c>, or null (then the connection string's key is used).</summary>
    public static string? ManagedIdentityClientId(string? authentication)
    {
        if (string.IsNullOrWhiteSpace(authentication))
        {
            return null;
        }

        var parts = authentication.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
        return parts.TryGetValue("Authorization", out var kind) && string.Equals(kind, "AAD", StringComparison.OrdinalIgnoreCase)
            && parts.TryGetValue("ClientId", out var clientId) && clientId.Length > 0
            ? clientId
            : null;
    }

    private static bool IsGrpc(string? contentType) =>
        contentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>
    /// A request's path holds health code ids, booking ids and application numbers; the route
    /// template says the same without them, so the server span keeps only the template.
    /// </summary>
    private static void PathAsRoute(Activity activity, HttpContext context)
    {
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        activity.SetTag("url.path", route is null ? null : "/" + route.TrimStart('/'));
    }

    /// <summary>Outbound calls keep scheme, host and port: paths and queries can carry ids and tokens (webhook URLs, SAS).</summary>
    private static void HostOnly(Activity activity, Uri? uri)
    {
        if (uri is { IsAbsoluteUri: true })
        {
            activity.SetTag("url.full", uri.GetLeftPart(UriPartial.Authority));
        }
    }
}
