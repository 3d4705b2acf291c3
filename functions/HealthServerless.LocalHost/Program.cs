using HealthServerless.Functions;
using HealthServerless.LocalHost;

// The HealthServerless function app on this machine: the same build, the same composition
// root as under the Functions host (docs/decisions/001).
if (args.FirstOrDefault() == "token")
{
    var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true).AddEnvironmentVariables().Build();
    return TokenCommand.Run(args, configuration);
}

var app = new FunctionApp((services, configuration) => services.AddHealthServerless(configuration), worker => worker.UseHealthServerless());
await using var host = await LocalFunctionHost.StartAsync(app, args);
Console.WriteLine($"HealthServerless local host: {host.BaseAddress}api ({host.Catalog.Functions.Count} functions)");
await host.WaitForShutdownAsync();
return 0;
