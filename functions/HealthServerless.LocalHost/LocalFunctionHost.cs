using System.Net;
using HealthServerless.LocalHost.Catalog;
using HealthServerless.LocalHost.Durable;
using HealthServerless.LocalHost.Http;
using HealthServerless.LocalHost.Invocation;
using HealthServerless.LocalHost.PaymentSimulators;
using HealthServerless.LocalHost.Queues;
using HealthServerless.LocalHost.Timers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HealthServerless.LocalHost;

/// <summary>A function app as the local host needs it: its composition root, the same one its Program.cs calls.</summary>
public sealed record FunctionApp(Action<IServiceCollection, IConfiguration> AddServices, Action<IFunctionsWorkerApplicationBuilder> UseMiddleware);

/// <summary>
/// Hosts a function app on one machine: HTTP on Kestrel, timers, Storage Queue triggers and
/// durable functions, all read from the app's functions.metadata (docs/decisions/001).
/// </summary>
public sealed class LocalFunctionHost : IAsyncDisposable
{
    private readonly WebApplication _web;
    private readonly DurableSidecar? _durable;

    private LocalFunctionHost(WebApplication web, DurableSidecar? durable, FunctionCatalog catalog)
    {
        _web = web;
        _durable = durable;
        Catalog = catalog;
    }

    public FunctionCatalog Catalog { get; }

    public IServiceProvider Services => _web.Services;

    public Uri BaseAddress => new(_web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>
    /// Builds and starts the host. <paramref name="settings"/> come last, over appsettings.json,
    /// environment and command line. Throws <see cref="UnsupportedFunctionException"/> for an
    /// app it cannot serve.
    /// </summary>
    public static async Task<LocalFunctionHost> StartAsync(
        FunctionApp app, string[] args, IReadOnlyDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        configure?.Invoke(builder);

        var options = builder.Configuration.GetSection(LocalHostOptions.Section).Get<LocalHostOptions>() ?? new LocalHostOptions();
        builder.Services.AddOptions<LocalHostOptions>().BindConfiguration(LocalHostOptions.Section);
        var catalog = FunctionCatalog.Load(options.MetadataPath);
        CheckTriggerSettings(catalog, builder.Configuration);

        app.AddServices(builder.Services, builder.Configuration);
        var paymentSimulators = PaymentSimulatorEndpoints.Enabled(builder.Configuration);
        if (paymentSimulators)
        {
            builder.Services.AddPaymentSimulators();
        }

        var pipeline = new WorkerPipeline(builder.Services);
        app.UseMiddleware(pipeline);
        builder.Services.AddSingleton(catalog);
        builder.Services.AddSingleton(pipeline);
        builder.Services.AddSingleton<FunctionInvoker>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddMvcCore();
        builder.Services.AddPortalCors(options);
        builder.Services.AddHostedService<TimerTriggerService>();
        builder.Services.AddHostedService<QueueTriggerService>();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.HttpPort));

        var durable = await StartDurableAsync(builder, catalog, options, cancellationToken);
        try
        {
            var web = builder.Build();
            web.UsePortalCors(options);
            web.MapHttpTriggers(catalog, web.Services.GetRequiredService<FunctionInvoker>(), options);
            if (paymentSimulators)
            {
                web.MapPaymentSimulators();
            }

            await web.StartAsync(cancellationToken);
            return new LocalFunctionHost(web, durable, catalog);
        }
        catch
        {
            if (durable is not null)
            {
                await durable.DisposeAsync();
            }

            throw;
        }
    }

    public Task WaitForShutdownAsync() => _web.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        // Bounded, so a stuck background service cannot hold a shutdown (or a test run) forever.
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _web.StopAsync(stopping.Token);
        await _web.DisposeAsync();
        if (_durable is not null)
        {
            await _durable.DisposeAsync();
        }
    }

    /// <summary>Bad schedules and missing queue connections stop the host at startup, not at the first tick.</summary>
    private static void CheckTriggerSettings(FunctionCatalog catalog, IConfiguration configuration)
    {
        var problems = new List<string>();
        foreach (var function in catalog.WithTrigger("timerTrigger").Concat(catalog.WithTrigger("queueTrigger")))
        {
            try
            {
                _ = function.Trigger.Type == "timerTrigger"
                    ? (object)TimerTriggerService.Schedule(function, configuration)
                    : QueueTriggerService.QueueFor(function, configuration);
            }
            catch (UnsupportedFunctionException e)
            {
                problems.AddRange(e.Problems);
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
            {
                problems.Add($"{function.Name}: {e.Message}");
            }
        }

        if (problems.Count > 0)
        {
            throw new UnsupportedFunctionException(problems);
        }
    }

    private static async Task<DurableSidecar?> StartDurableAsync(WebApplicationBuilder builder, FunctionCatalog catalog, LocalHostOptions options, CancellationToken cancellationToken)
    {
        var usesDurable = catalog.Functions.Any(f => f.Metadata.Bindings.Any(b => b.Type is "orchestrationTrigger" or "activityTrigger" or "durableClient"));
        if (!usesDurable)
        {
            return null;
        }

        var loggerFactory = LoggerFactory.Create(logging => logging.AddConfiguration(builder.Configuration.GetSection("Logging")).AddConsole());
        var sidecar = await DurableSidecar.StartAsync(options, builder.Configuration["AzureWebJobsStorage"], loggerFactory, cancellationToken);
        builder.Services.AddDurableTaskClient(client => client.UseGrpc(sidecar.Channel));
        builder.Services.AddDurableTaskWorker(worker =>
        {
            worker.AddTasks(registry => DurableFunctionAdapters.Register(registry, catalog));
            worker.UseGrpc(sidecar.Channel);
        });
        builder.Services.AddSingleton(sidecar);
        builder.Services.AddHostedService<DurableDrainService>();
        builder.Services.AddHostedService<DurableHistoryRetention>();
        return sidecar;
    }
}
