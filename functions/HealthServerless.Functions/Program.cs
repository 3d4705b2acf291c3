using HealthServerless.Functions;
using HealthServerless.Functions.Platform.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseHealthServerless();
builder.Services.AddHealthServerless(builder.Configuration);
builder.Services.AddHealthTelemetry(builder.Configuration);
builder.Build().Run();
