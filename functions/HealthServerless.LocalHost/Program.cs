using HealthServerless.Functions;
using HealthServerless.Functions.Platform.Telemetry;
using HealthServerless.LocalHost;
using HealthServerless.LocalHost.Demo;
using HealthServerless.LocalHost.Pharmacy;
using HealthServerless.LocalHost.Surveillance;

// The HealthServerless function app on this machine: the same build, the same composition
// root as under the Functions host (docs/decisions/001).
if (args.FirstOrDefault() is "token" or "demo" or "pharmacy" or "surveillance")
{
    var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true).AddEnvironmentVariables().Build();
    if (args[0] == "pharmacy")
    {
        // Ctrl-C (or a TERM) ends the simulator's loop instead of the process, so it stops between messages.
        using var stop = new CancellationTokenSource();
        void Stop(System.Runtime.InteropServices.PosixSignalContext signal)
        {
            signal.Cancel = true;
            stop.Cancel();
        }

        using var onInterrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Stop);
        using var onTerminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Stop);
        return await PharmacyCommand.RunAsync(args, configuration, Console.Out, Console.Error, stop.Token);
    }

    if (args[0] == "surveillance")
    {
        return await SurveillanceCommand.RunAsync(args, configuration, Console.Out, Console.Error);
    }

    return args[0] == "token"
        ? TokenCommand.Run(args, configuration)
        : await DemoCommand.RunAsync(args, configuration, Console.Out, Console.Error, CancellationToken.None);
}

var app = new FunctionApp((services, configuration) => services.AddHealthServerless(configuration).AddHealthTelemetry(configuration), worker => worker.UseHealthServerless());
await using var host = await LocalFunctionHost.StartAsync(app, args);
Console.WriteLine($"HealthServerless local host: {host.BaseAddress}api ({host.Catalog.Functions.Count} functions)");
await host.WaitForShutdownAsync();
return 0;
