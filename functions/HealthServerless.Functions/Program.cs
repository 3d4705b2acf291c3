using HealthServerless.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseHealthServerless();
builder.Services.AddHealthServerless(builder.Configuration);
builder.Build().Run();
